#!/usr/bin/env bash
# npm run fuzz [-- SECONDS]: builds the libFuzzer targets with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into build/fuzz, then fuzzes each target for SECONDS (default 180)
# from its corpus in tests/fuzz/corpus. New interesting inputs go to build/fuzz/corpus/<target>
# (copy the good ones into tests/fuzz/corpus); a crash leaves its reproducer in
# build/fuzz/crashes/<target>: fix it, then add the file to tests/fuzz/regressions/<target> so
# CTest replays it for ever (FuzzReplay.<target>).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-180}
bash scripts/setup.sh  # the project's packages
bash scripts/setup.sh --fuzz

CC=clang CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCPG_FUZZ=ON >/dev/null
cmake --build build/fuzz -j"$(nproc)"

status=0
for target in $(sed -n 's/^set(FUZZ_TARGETS \(.*\))$/\1/p' CMakeLists.txt); do
  corpus=build/fuzz/corpus/$target crashes=build/fuzz/crashes/$target
  mkdir -p "$corpus" "$crashes"
  echo "== fuzz_$target for ${seconds}s"
  if ! build/fuzz/fuzz_$target -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$crashes/" -print_final_stats=1 "$corpus" "tests/fuzz/corpus/$target" \
       "tests/fuzz/regressions/$target" 2>build/fuzz/$target.log; then
    status=1
    echo "fuzz_$target FOUND A CRASH: see build/fuzz/$target.log and $crashes/"
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ *DONE" build/fuzz/$target.log || true
done
exit $status
