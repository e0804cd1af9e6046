#!/usr/bin/env bash
# Build an offline install kit on a machine with registry access (same OS, CPU and Python
# minor version as the intranet host: the kit holds binary wheels):
#   bash scripts/build-wheelhouse.sh dist/wheelhouse
# then on the intranet host, with no network:
#   python3 -m venv /opt/carbonwall/venv
#   /opt/carbonwall/venv/bin/pip install --no-index --find-links wheelhouse carbonwall
#   /opt/carbonwall/venv/bin/carbonwall --help
# PYTHON picks the interpreter (default python3); the kit is checked with `pip check` style
# resolution at the end: a dry-run install from the kit alone must succeed.
set -euo pipefail
out=${1:-dist/wheelhouse}
py=${PYTHON:-python3}
cd "$(dirname "$0")/.."
mkdir -p "$out"
reqs=$(mktemp)
trap 'rm -f "$reqs"' EXIT
"$py" - >"$reqs" <<'PY'
import configparser
cfg = configparser.ConfigParser()
cfg.read("setup.cfg")
print(cfg["options"]["install_requires"].strip())
PY
# carbonwall itself (no dependencies), then every dependency as a wheel (binary only: the
# intranet host needs no compiler)
"$py" -m pip wheel --quiet --no-deps --wheel-dir "$out" .
"$py" -m pip download --quiet --only-binary=:all: --dest "$out" -r "$reqs"
# the kit must be complete on its own: resolve an install from it with every index turned off
PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= "$py" -m pip install --dry-run --quiet \
    --no-index --find-links "$out" --ignore-installed carbonwall
echo "wheelhouse ready in $out ($(find "$out" -name '*.whl' | wc -l) wheels," \
    "$(du -sh "$out" | cut -f1))"
