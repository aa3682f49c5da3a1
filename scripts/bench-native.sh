#!/usr/bin/env bash
# npm run bench:native: ms per training step, fast path against the dense reference.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure.sh >/dev/null
bash scripts/build-native.sh >/dev/null
./build/native/bench_step --benchmark_counters_tabular=true "$@"
