#!/usr/bin/env bash
# npm run bench:fig9: the paper's Figure 9 natively. Trains 20 random DAGs (q = 0.5, S = 3,
# T = 20, alpha = 0.1) and prints the mean attention on the parent with its std over graphs,
# next to the paper's 0.837 +- 0.054, and the wall time.
#
#   bash bench/fig9.sh                        the fast recipe (about a minute on one core)
#   bash bench/fig9.sh --jobs 2               two graphs at a time (the same numbers)
#   bash bench/fig9.sh --recipe paper         the authors' recipe (about 2 minutes per graph)
#   bash bench/fig9.sh --graphs 4 --steps 3000   any option of `cpg reproduce fig9`
#
# The full JSON goes to build/bench/fig9.json (or $FIG9_OUT).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f build/native/CMakeCache.txt ]; then
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build/native -j"$(nproc)" --target cpg >/dev/null

out=${FIG9_OUT:-build/bench/fig9.json}
mkdir -p "$(dirname "$out")"
timing=$(mktemp)
trap 'rm -f "$timing"' EXIT

# Progress lines go to the terminal; /usr/bin/time -v adds wall time and peak memory.
if [ -x /usr/bin/time ]; then
  /usr/bin/time -v -o "$timing" ./build/native/cpg reproduce fig9 "$@" >"$out"
else
  ./build/native/cpg reproduce fig9 "$@" >"$out"  # the summary falls back on the JSON's seconds
fi

node --input-type=module - "$out" "$timing" <<'EOF'
import { readFileSync } from "node:fs";
const [outPath, timingPath] = process.argv.slice(2);
const result = JSON.parse(readFileSync(outPath, "utf8"));
const timing = readFileSync(timingPath, "utf8");
const field = (name) => (timing.match(new RegExp(`${name}.*: (\\S+)$`, "m")) ?? [])[1]?.trim();
const r = result.recipe;
const fixed = (x) => (x === null ? "  -  " : x.toFixed(3));
console.log(`\nFigure 9, ${result.graphs} random DAGs (q = ${result.settings.q}, S = ${result.settings.S}, ` +
            `T = ${result.settings.T}, alpha = ${result.settings.alpha})`);
console.log(`recipe ${r.name}: ${r.optimizer} lr ${r.lr} ${r.schedule}, batch ${r.batch}, ${r.steps} steps, ` +
            `init std ${r.init_std}, wd ${r.wd}`);
console.log(`mean attention on the parent: ${result.mean.toFixed(3)} +- ${result.std.toFixed(3)} ` +
            `(paper: ${result.paper.mean} +- ${result.paper.std})`);
console.log(`per graph:    ${result.per_graph.map((g) => fixed(g.mean)).join(" ")}`);
console.log(`per position: ${result.per_position.mean.map(fixed).join(" ")}`);
const gaps = result.per_graph.map((g) => g.test_loss - g.bayes_loss);
console.log(`test loss above Bayes: mean ${(gaps.reduce((a, b) => a + b, 0) / gaps.length).toFixed(3)} nats, ` +
            `max ${Math.max(...gaps).toFixed(3)}; diverged graphs: ${result.diverged_graphs}`);
const wall = field("Elapsed \\(wall clock\\) time");
console.log(`wall time: ${wall ? wall + " (m:ss)" : result.seconds.toFixed(1) + " s"}, ` +
            `${(result.seconds / result.graphs).toFixed(2)} s per graph` +
            (field("Maximum resident set size") ? `, peak memory ${field("Maximum resident set size")} KB` : ""));
console.log(`JSON: ${outPath}`);
EOF
