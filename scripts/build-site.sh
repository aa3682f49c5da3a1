#!/usr/bin/env bash
# npm run build: the WebAssembly engine, then the static site into dist/ (relative paths: it
# works from any folder of any static host).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure.sh
bash scripts/build-wasm.sh
npx vite build --logLevel warn
echo "[build] the site is in dist/ ($(du -sh dist | cut -f1))"
