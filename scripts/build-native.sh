#!/usr/bin/env bash
# Configures and builds the native engine, CLI, tests and benchmarks into build/native.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$(nproc)"

# The page's copy of the table of settings (cpp/engine/config.cpp), written only when it changed
# so that Vite and tsc see no change on a no-op build. It is committed, so the page type-checks
# before any build; tests/cpp/test_config.cpp fails when the committed copy is stale.
mkdir -p web/settings
build/native/cpg fields --ts > build/native/fields.generated.ts
cmp -s build/native/fields.generated.ts web/settings/fields.generated.ts ||
  cp build/native/fields.generated.ts web/settings/fields.generated.ts
