#!/usr/bin/env bash
# npm test: install what is missing, build, and run every suite. Fails when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure.sh
bash scripts/build-native.sh
bash scripts/build-wasm.sh

echo "== C++ tests (CTest) =="
ctest --test-dir build/native --output-on-failure -j"$(nproc)"

echo "== TypeScript type check =="
npx tsc -p .

echo "== Web tests (Vitest: module, native vs WASM, worker protocol) =="
npx vitest run

echo "== Browser tests (Chromium, playwright-core, against the built site) =="
npx vite build --logLevel warn
npx vitest run --config vitest.e2e.config.ts
