#!/usr/bin/env bash
# npm test: install what is missing, build, and run every suite. Fails when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure.sh
bash scripts/build-native.sh

echo "== C++ tests (CTest) =="
ctest --test-dir build/native --output-on-failure -j"$(nproc)"
