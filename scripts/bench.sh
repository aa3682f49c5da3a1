#!/usr/bin/env bash
# npm run bench: one training step, native against WebAssembly (SIMD and fallback) in Node,
# plus the module sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure.sh >/dev/null
bash scripts/build-native.sh >/dev/null
bash scripts/build-wasm.sh >/dev/null
npx vite-node bench/wasm-vs-native.mjs
