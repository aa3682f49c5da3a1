#!/usr/bin/env bash
# Installs whatever is missing: Debian packages (scripts/setup.sh) and npm packages (npm ci,
# only when package-lock.json changed since the last install). Safe to run every time.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

stamp=node_modules/.cpg-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[ensure] npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
