// npm run bench:lemma: how well the key lemma's picture holds at each α. For every α it runs
// `cpg lemma` on the chain, the in-context pairs, and ten random trees and ten random DAGs
// (graph seeds 0-9), and prints, per α and graph family, how many parents the gradient's
// argmax found and the range of the row-centred correlation between the gradient and the χ²
// mutual information. The page's Part 2 and the README quote these ranges.
//
//   node bench/lemma-range.mjs                 S = 5, T = 12 (the lemma view's own graph size)
//   node bench/lemma-range.mjs --S 10 --T 20   any S and T
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const cpg = process.env.CPG ?? new URL('../build/native/cpg', import.meta.url).pathname;
if (!existsSync(cpg)) {
  console.error(`bench/lemma-range.mjs: ${cpg} is missing; run npm run build:native first`);
  process.exit(2);
}
const extra = process.argv.slice(2);
const alphas = [0.1, 0.5, 1];
const families = [
  ['chain', [0]],
  ['icl', [0]],
  ['tree', [...Array(10).keys()]],
  ['dag', [...Array(10).keys()]],
];

console.log(`cpg lemma ${extra.join(' ')}: parents found by the gradient's argmax, and the row-centred correlation`);
for (const alpha of alphas) {
  let hits = 0, positions = 0;
  const all = [];
  const parts = [];
  for (const [graph, seeds] of families) {
    const correlations = [];
    for (const seed of seeds) {
      const args = ['lemma', '--graph', graph, '--graph-seed', String(seed), '--alpha', String(alpha), ...extra];
      const view = JSON.parse(execFileSync(cpg, args, { encoding: 'utf8' }));
      hits += view.parent_hits;
      positions += view.positions_with_parent;
      correlations.push(view.pearson_row_centred);
    }
    all.push(...correlations);
    const range = (values) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
    parts.push(`${graph} ${range(correlations)}`);
    if (graph === families.at(-1)[0]) parts.unshift(`all ${range(all)}`);
  }
  console.log(`α = ${alpha}: argmax at the parent ${hits}/${positions}; correlation ${parts.join(', ')}`);
}
