#!/usr/bin/env bash
# npm run bench:rate: the theorem's rate natively. Trains the chain at T = 8, 16, 32, 64 (a few
# seeds each, the rate's fast recipe) and prints ||A - G||_inf of the first layer's position block
# against the chain's adjacency per T, its least-squares log-log slope (the theorem: about -1) and
# the wall time.
#
#   bash bench/rate.sh                 the default budget, one model at a time
#   bash bench/rate.sh --jobs 2        two models at a time (the same numbers)
#   bash bench/rate.sh --Ts 8,16,32 --seeds 2 --steps 1000   any option of `cpg reproduce rate`
#
# The full JSON goes to build/bench/rate.json (or $RATE_OUT).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f build/native/CMakeCache.txt ]; then
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build/native -j"$(nproc)" --target cpg >/dev/null

out=${RATE_OUT:-build/bench/rate.json}
mkdir -p "$(dirname "$out")"
timing=$(mktemp)
trap 'rm -f "$timing"' EXIT

# Progress lines go to the terminal; /usr/bin/time -v adds wall time and peak memory.
if [ -x /usr/bin/time ]; then
  /usr/bin/time -v -o "$timing" ./build/native/cpg reproduce rate "$@" >"$out"
else
  ./build/native/cpg reproduce rate "$@" >"$out"  # the summary falls back on the JSON's seconds
fi

node --input-type=module - "$out" "$timing" <<'NODE'
import { readFileSync } from "node:fs";
const [outPath, timingPath] = process.argv.slice(2);
const result = JSON.parse(readFileSync(outPath, "utf8"));
const timing = readFileSync(timingPath, "utf8");
const field = (name) => (timing.match(new RegExp(`${name}.*: (\\S+)$`, "m")) ?? [])[1]?.trim();
const r = result.recipe;
const s = result.settings;
console.log(`\nThe rate: chain, S = ${s.S}, alpha = ${s.alpha}, ${s.seeds} seed(s) per T`);
console.log(`recipe ${r.name}: ${r.optimizer} lr ${r.lr} ${r.schedule}, batch ${r.batch}, ${r.steps} steps, ` +
            `init std ${r.init_std}, wd ${r.wd}`);
console.log("T     ||A - G||_inf (mean +- std over seeds)   largest weight off the parent   loss - Bayes (max)");
result.T.forEach((T, k) => {
  console.log(`${String(T).padEnd(5)} ${result.max_error[k].toFixed(3)} +- ${result.max_error_std[k].toFixed(3)}` +
              `${" ".repeat(28)}${result.off_parent_max[k].toFixed(3)}${" ".repeat(26)}` +
              `${result.loss_minus_bayes_max[k].toFixed(3)}`);
});
console.log(`log-log slope: ${result.slope.toFixed(3)} (largest weight off the parent: ` +
            `${result.off_parent_slope.toFixed(3)}; the theorem: about -1)`);
const wall = field("Elapsed \\(wall clock\\) time");
console.log(`wall time: ${wall ? wall + " (m:ss)" : result.seconds.toFixed(1) + " s"}` +
            (field("Maximum resident set size") ? `, peak memory ${field("Maximum resident set size")} KB` : ""));
console.log(`JSON: ${outPath}`);
NODE
