// What the views need, derived from a snapshot and the graph: pure functions shared by the
// page and the worker (tested in tests/web/figure-data.test.ts). How the figure names and
// prints things, and the headline recovery, are in web/views/vocabulary.ts.
import type { GraphInfo } from '../engine/engine';

/**
 * Positions an induction head should look at: those whose parents hold the same tokens as the
 * predicted node's parents (for single-parent tasks, the positions right after an earlier
 * copy of the query token).
 */
export function inductionTargets(graph: GraphInfo, tokens: ArrayLike<number>): number[] {
  const T = graph.T;
  const targetParents = graph.multi_parent ? graph.parents[T] ?? [] : [T - 1];
  const evidence = graph.multi_parent ? T : T - 1;
  const out: number[] = [];
  for (let i = 0; i < evidence; i++) {
    const parents = graph.parents[i] ?? [];
    if (parents.length === 0 || parents.length !== targetParents.length) continue;
    if (parents.every((p, m) => tokens[p] === tokens[targetParents[m]])) out.push(i);
  }
  return out;
}
