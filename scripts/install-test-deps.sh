#!/usr/bin/env bash
# Debian packages the browser tests need: Chromium, its driver, and CJK fonts for screenshots.
set -euo pipefail
need=()
for pkg in chromium chromium-driver fonts-noto-cjk; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
