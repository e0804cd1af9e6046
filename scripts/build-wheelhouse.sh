#!/usr/bin/env bash
# Build an offline install kit on a machine with registry access:
#   bash scripts/build-wheelhouse.sh dist/wheelhouse
# then on the intranet host:
#   python3 -m venv venv && venv/bin/pip install --no-index --find-links wheelhouse carbonwall
set -euo pipefail
out=${1:-dist/wheelhouse}
mkdir -p "$out"
python3 -m pip wheel --quiet --wheel-dir "$out" .
python3 -m pip download --quiet --dest "$out" -r <(python3 - <<'PY'
import configparser
cfg = configparser.ConfigParser()
cfg.read("setup.cfg")
print(cfg["options"]["install_requires"].strip())
PY
)
echo "wheelhouse ready in $out ($(ls "$out" | wc -l) files)"
