// The figure's vocabulary: how every view names, colours and prints the same things. A parent
// slot, a token, a loss or a recovery score reads the same in the graph, the heat maps, the
// recovery bars, the layer-2 strip and the loss chart because they all take it from here.
// Pure (no DOM), so it is tested in Node (tests/web/vocabulary.test.ts).
import type uPlot from 'uplot';

import type { GraphInfo } from '../worker/protocol';

// --- Type and ink ----------------------------------------------------------------------------

export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Ink of the heat maps' text and lines (drawn on canvas, so not in the style sheets). */
export const HEATMAP_INK = {
  title: '#1d1d1f',
  label: '#5f6368',
  tick: '#80868b',
  frame: '#e3e3e3',
  bracket: '#c4c7ca',
  separatorOnWeight: 'rgba(255, 255, 255, 0.85)',
  separatorOnSigned: 'rgba(32, 33, 36, 0.55)',
};

/** The loss chart's colours: Okabe-Ito, safe for the common colour-vision deficiencies. */
export const LOSS_COLOURS = {
  test: '#0072B2',
  trainRaw: 'rgba(86, 180, 233, 0.4)',
  trainSmooth: '#3d9bd1',
  bayes: '#009E73',
  oneParent: '#CC79A7',
  unigram: '#D55E00',
  uniform: '#6b6b6b',
  marker: '#222222',
  /** Interventions (ablations, freezes, knockouts) on the loss chart. */
  intervention: '#8a4d00',
  cursor: 'rgba(34, 34, 34, 0.55)',
  grid: 'rgba(0, 0, 0, 0.07)',
  axis: '#555555',
};

/** One axis of the page's uPlot charts (loss, Figure 9, the rate, the lab's comparison): one type, ink and grid. */
export function chartAxis(label: string): uPlot.Axis {
  return {
    label,
    font: `11px ${FONT_FAMILY}`,
    labelFont: `12px ${FONT_FAMILY}`,
    labelSize: 16,
    stroke: LOSS_COLOURS.axis,
    grid: { stroke: LOSS_COLOURS.grid, width: 1 },
    ticks: { stroke: LOSS_COLOURS.grid, width: 1, size: 4 },
  };
}

/** Okabe-Ito: the single-parent arc colour, and one colour per parent slot (0 = farthest). */
const SINGLE_PARENT_COLOUR = '#0072B2';
const SLOT_COLOURS = ['#E69F00', '#0072B2', '#009E73', '#CC79A7'];

/** The colour of parent slot `slot` when positions have up to `slotCount` parents (graph arcs and recovery bars). */
export function parentSlotColor(slot: number, slotCount: number): string {
  if (slotCount <= 1) return SINGLE_PARENT_COLOUR;
  return SLOT_COLOURS[slot % SLOT_COLOURS.length];
}

// --- Parent slots ------------------------------------------------------------------------------

/** The minus sign of every printed negative number and of slot names such as i−2. */
export const MINUS = '\u2212';

/** The parent k positions back: 'i−k'. */
export function offsetName(k: number): string {
  return `i${MINUS}${k}`;
}

/** The paper's two-parent graph: the parents (i−1) div 2 and i−1. */
export const PAPER2_SLOT_NAMES: readonly string[] = [`(${offsetName(1)}) div 2`, offsetName(1)];

/**
 * Names of the parent slots (slots hold the parents in ascending order) from the graph alone:
 * 'i−2', 'i−1' when every node with `slots` parents has its slot-s parent the same distance
 * back (n-grams), else 'parent 1', 'parent 2'.
 */
export function slotNames(parents: ReadonlyArray<ReadonlyArray<number>>, slots: number): string[] {
  const names: string[] = [];
  for (let s = 0; s < slots; s++) {
    const offsets = new Set<number>();
    for (let i = 0; i < parents.length; i++) {
      if (parents[i].length === slots) offsets.add(i - parents[i][s]);
    }
    names.push(offsets.size === 1 ? offsetName([...offsets][0]) : `parent ${s + 1}`);
  }
  return names;
}

/**
 * The names of a task's parent slots, as every view prints them: ['parent'] for one slot; the
 * paper's (i−1) div 2 and i−1; 'parent 1', 'parent 2' on custom graphs (their offsets are the
 * visitor's, not a rule); else the distance back, i−2 and i−1. `slots` defaults to the
 * predicted node's parent count (multi-parent tasks) or 1.
 */
export function parentSlotNames(graph: Pick<GraphInfo, 'name' | 'T' | 'multi_parent' | 'parents'>, slots?: number): string[] {
  const count = slots ?? (graph.multi_parent ? (graph.parents[graph.T]?.length ?? 0) : 1);
  if (count <= 1) return ['parent'];
  if (graph.name === 'paper2' && count === PAPER2_SLOT_NAMES.length) return [...PAPER2_SLOT_NAMES];
  if (graph.name === 'custom') return Array.from({ length: count }, (_, s) => `parent ${s + 1}`);
  return slotNames(graph.parents, count);
}

/** A slot's arc in the graph legend: 'parent → child' for one slot, 'i−2 → i', 'parent 1 → child'. */
export function slotArrowLabel(names: ReadonlyArray<string>, slot: number): string {
  if (names.length <= 1) return 'parent → child';
  const name = names[slot] ?? `parent ${slot + 1}`;
  return `${name} → ${name.startsWith('parent') ? 'child' : 'i'}`;
}

// --- Tokens ------------------------------------------------------------------------------------

/** A token's symbol: A, B, C, ... when the vocabulary has at most 26 tokens, else its number. */
export function tokenSymbol(token: number, S: number): string {
  if (!Number.isInteger(token) || token < 0) return '?';
  return S <= 26 && token < 26 ? String.fromCharCode(65 + token) : String(token);
}

// --- The headline recovery -----------------------------------------------------------------------

/** Where the recovery bars draw their target line. */
export const RECOVERY_TARGET = 0.9;

/**
 * The one number for "has layer 1 learned the graph", used alike by the recovery bars'
 * headline and by the phase-transition marker on the loss chart: for each parent slot, the
 * best head's recovery of that slot, then the mean over slots. recovery[head][slot] is the
 * mean attention weight on the true parent in that slot.
 *
 * Why this one. On single-parent tasks (one slot) it is the best head's recovery: one head that
 * found the parents is the claim, and a mean over heads would let an idle extra head hide it.
 * On multi-parent tasks every parent must be found by some head: while the heads sit together
 * on one parent (the two-parent plateau) it stays at or below one half, and it rises when they
 * split, so the marker marks the split. Entries that are not finite are ignored; NaN when
 * nothing is finite.
 */
export function headlineRecovery(recovery: ReadonlyArray<ReadonlyArray<number>>): number {
  const slots = recovery.reduce((most, head) => Math.max(most, head.length), 0);
  let sum = 0;
  let found = 0;
  for (let s = 0; s < slots; s++) {
    let best = -Infinity;
    for (const head of recovery) {
      const value = head[s];
      if (value !== undefined && Number.isFinite(value) && value > best) best = value;
    }
    if (best > -Infinity) {
      sum += best;
      found++;
    }
  }
  return found > 0 ? sum / found : NaN;
}

/** The words next to the headline number. */
export function headlineRecoveryLabel(heads: number, slots: number): string {
  if (slots > 1) return 'parent recovery (each parent’s best head, averaged)';
  return heads > 1 ? 'parent recovery (best head)' : 'parent recovery';
}

// --- Numbers as text -------------------------------------------------------------------------------

/** A recovery score or attention share: two decimals, or an em dash when it is not a number. */
export function formatRecovery(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '—';
}

/** A loss as shown: 3 decimals, or a dash when it is not a number. */
export function formatLoss(loss: number): string {
  return Number.isFinite(loss) ? loss.toFixed(3) : '—';
}

/** Steps per second as shown: no decimals above 10. */
export function formatRate(stepsPerSecond: number): string {
  if (!Number.isFinite(stepsPerSecond) || stepsPerSecond <= 0) return '0';
  return stepsPerSecond >= 10 ? Math.round(stepsPerSecond).toLocaleString('en-US') : stepsPerSecond.toFixed(1);
}

/** A step on an axis or in a legend: 950, 12.5k, 1.25M. */
export function formatStep(step: number): string {
  if (!Number.isFinite(step)) return '';
  const abs = Math.abs(step);
  if (abs >= 1e6) return `${+(step / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${+(step / 1e3).toFixed(1)}k`;
  return Number.isInteger(step) ? String(step) : String(+step.toFixed(2));
}

/** Short tick text: 0, 0.25, 1, 12.5, −0.083, 1.2e-4. */
export function formatTick(v: number): string {
  if (!Number.isFinite(v)) return 'not a number';
  if (v === 0) return '0';
  const magnitude = Math.abs(v);
  let text: string;
  if (magnitude >= 1e4 || magnitude < 1e-3) text = magnitude.toExponential(1).replace('.0e', 'e').replace('e+', 'e');
  else if (magnitude >= 100) text = magnitude.toFixed(0);
  else if (magnitude >= 10) text = magnitude.toFixed(1);
  else text = magnitude.toPrecision(2);
  if (text.includes('.') && !text.includes('e')) text = text.replace(/\.?0+$/, '');
  return (v < 0 ? MINUS : '') + text;
}

/** A cell value for a tooltip: three decimals, or 'not a number'. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return 'not a number';
  const magnitude = Math.abs(v);
  const text = magnitude >= 1e6 ? magnitude.toExponential(3) : magnitude.toFixed(3);
  const isZero = Number(text) === 0;
  return (v < 0 && !isZero ? MINUS : '') + text;
}
