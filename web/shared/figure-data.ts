// What the views need, derived from a snapshot and the graph: pure functions used by the main
// page, the embed page and the worker (tested in tests/web/figure-data.test.ts).
import type { GraphInfo } from '../engine/engine';

/** Names of the parent slots of the predicted node, for the recovery bars. */
export function parentSlotNames(graph: GraphInfo): string[] {
  if (!graph.multi_parent) return ['parent'];
  const target = graph.parents[graph.T] ?? [];
  const T = graph.T;
  if (graph.name === 'paper2') return ['(i−1) div 2', 'i−1'];
  // n-grams: offsets relative to the node, e.g. i−2, i−1.
  const offsets = target.map((p) => T - p);
  const contiguous = offsets.every((offset, m) => m === 0 || offsets[m - 1] - offset === 1);
  if (graph.name !== 'custom' && contiguous) return offsets.map((offset) => `i−${offset}`);
  return target.map((_, m) => `parent ${m + 1}`);
}

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

/**
 * One number for "how well has layer 1 learned the graph": for single-parent tasks the mean of
 * the heads' scores; for multi-parent tasks, each head's best slot, averaged.
 */
export function headlineRecovery(recovery: number[][]): number {
  const best = recovery.filter((slots) => slots.length > 0).map((slots) => Math.max(...slots));
  if (best.length === 0) return NaN;
  return best.reduce((a, b) => a + b, 0) / best.length;
}

/** Steps per second as shown: no decimals above 10. */
export function formatRate(stepsPerSecond: number): string {
  if (!Number.isFinite(stepsPerSecond) || stepsPerSecond <= 0) return '0';
  return stepsPerSecond >= 10 ? Math.round(stepsPerSecond).toLocaleString('en-US') : stepsPerSecond.toFixed(1);
}

/** A loss as shown: 3 decimals, or a dash when it is not a number. */
export function formatLoss(loss: number): string {
  return Number.isFinite(loss) ? loss.toFixed(3) : '—';
}
