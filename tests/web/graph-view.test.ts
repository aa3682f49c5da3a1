// The pure parts of the chart views: the graph view's arc layout, its editing state machine and
// spec strings; the loss chart's phase-transition detector and decimation; the recovery
// headline. Node environment (no DOM): the classes themselves are checked in the browser suite.
import { describe, expect, it } from 'vitest';

import {
  arcLayout,
  editGraph,
  finishEditing,
  legendLayout,
  nodeKind,
  parentSlotColor,
  parentsToSpec,
  specToParents,
  tokenLabel,
  type GraphEditState,
} from '../../web/views/graph-view';
import { detectPhaseTransition, MinMaxDecimator } from '../../web/views/loss-chart';
import { formatRecovery, summarizeRecovery } from '../../web/views/recovery-bars';

const chain = (T: number) => ({
  T,
  multi_parent: false,
  parents: Array.from({ length: T }, (_, i) => (i === 0 || i === T - 1 ? [] : [i - 1])),
});
const trigram = (T: number) => ({
  T,
  multi_parent: true,
  parents: Array.from({ length: T + 1 }, (_, i) => (i < 2 ? [] : [i - 2, i - 1])),
});

describe('spec strings', () => {
  it('writes the engine format', () => {
    expect(parentsToSpec([[], [0], [0], [1, 2]])).toBe('-;0;0;1,2');
    expect(parentsToSpec([[]])).toBe('-');
  });

  it('round-trips', () => {
    for (const spec of ['-;0;0;1,2', '-;-;0,1;1,2;2,3', '-;0;1;2;-']) expect(parentsToSpec(specToParents(spec)!)).toBe(spec);
  });

  it('sorts parents and ignores spaces', () => {
    expect(specToParents(' - ; 0 ; 1 , 0 ')).toEqual([[], [0], [0, 1]]);
  });

  it('refuses what is not a spec', () => {
    for (const bad of ['', ';', '-;', '-;0,', '-;,0', '-;a', '-;-1', '-;0;0,0', '-;;0', '-;1.5', '-;+1'])
      expect(specToParents(bad), bad).toBeNull();
  });
});

describe('editGraph', () => {
  const none: GraphEditState = { selected: null };
  const parents = () => [[], [0], [1], [2], []];

  it('selects a position, then toggles earlier positions as its parents', () => {
    let step = editGraph(none, parents(), 3);
    expect(step).toMatchObject({ state: { selected: 3 }, changed: false });
    step = editGraph(step.state, step.parents, 0);
    expect(step.changed).toBe(true);
    expect(step.parents[3]).toEqual([0, 2]);
    expect(step.state.selected).toBe(3);
    step = editGraph(step.state, step.parents, 2);
    expect(step.parents[3]).toEqual([0]);
    expect(parentsToSpec(step.parents)).toBe('-;0;1;0;-');
  });

  it('keeps parents ascending and does not touch the input', () => {
    const before = parents();
    const step = editGraph({ selected: 4 }, before, 3);
    const after = editGraph(step.state, step.parents, 1);
    expect(after.parents[4]).toEqual([1, 3]);
    expect(before).toEqual(parents());
  });

  it('finishes when the child is clicked again, or on Escape', () => {
    const step = editGraph({ selected: 2 }, parents(), 2);
    expect(step).toMatchObject({ state: { selected: null }, changed: false });
    expect(finishEditing()).toEqual({ selected: null });
  });

  it('selects a later position instead of making it a parent', () => {
    const step = editGraph({ selected: 1 }, parents(), 3);
    expect(step).toMatchObject({ state: { selected: 3 }, changed: false });
    expect(step.parents).toEqual(parents());
  });

  it('never makes a node its own parent, and ignores positions out of range', () => {
    let state: GraphEditState = none;
    let current = parents();
    for (const click of [0, 0, 0, 4, 4, 4, 5, -1, 2.5]) {
      const step = editGraph(state, current, click);
      state = step.state;
      current = step.parents;
      current.forEach((list, i) => expect(list.every((p) => p < i)).toBe(true));
    }
    expect(editGraph({ selected: 1 }, parents(), 7)).toMatchObject({ state: { selected: 1 }, changed: false });
  });

  it('drops a selection that no longer exists', () => {
    expect(editGraph({ selected: 9 }, parents(), 2).state).toEqual({ selected: 2 });
  });
});

describe('arcLayout', () => {
  it('puts the positions in a row, left to right, and one arc per edge', () => {
    const layout = arcLayout(chain(20), 800);
    expect(layout.nodes).toHaveLength(20);
    expect(layout.arcs).toHaveLength(18);
    layout.nodes.forEach((node, i) => i > 0 && expect(node.x).toBeGreaterThan(layout.nodes[i - 1].x));
    expect(layout.width).toBe(800);
    expect(layout.nodes[0].x - layout.radius).toBeGreaterThanOrEqual(0);
    expect(layout.nodes[19].x + layout.radius).toBeLessThanOrEqual(800);
  });

  it('draws arcs above the row, from parent to child', () => {
    const layout = arcLayout(chain(8), 600);
    for (const arc of layout.arcs) {
      expect(arc.apexY).toBeLessThan(layout.nodeY - layout.radius);
      expect(arc.apexY).toBeGreaterThanOrEqual(0);
      const points = [...arc.d.matchAll(/-?[\d.]+,-?[\d.]+/g)].map((m) => Number(m[0].split(',')[0]));
      const [start, end] = [points[0], points[points.length - 1]];
      expect(start).toBeGreaterThan(layout.nodes[arc.parent].x - layout.radius);
      expect(start).toBeLessThan(layout.nodes[arc.parent].x + layout.radius);
      expect(end).toBeGreaterThan(layout.nodes[arc.child].x - layout.radius);
      expect(end).toBeLessThan(layout.nodes[arc.child].x + layout.radius);
      expect(arc.d).toMatch(/ A[\d.]+,[\d.]+ 0 0 1 /); // clockwise from the left: over the top
    }
  });

  it('marks the query (single-parent) and the predicted node (multi-parent)', () => {
    expect(arcLayout(chain(6), 500).nodes.map((n) => n.kind)).toEqual(['input', 'input', 'input', 'input', 'input', 'query']);
    const multi = arcLayout(trigram(6), 500);
    expect(multi.nodes).toHaveLength(7);
    expect(multi.nodes[6].kind).toBe('predicted');
    expect(multi.arcs.filter((a) => a.child === 6).map((a) => [a.parent, a.slot])).toEqual(
      expect.arrayContaining([[4, 0], [5, 1]]),
    );
    expect(nodeKind(5, trigram(6))).toBe('input');
  });

  it('is wider than a narrow box for T = 64 (the box scrolls), and fits a wide one', () => {
    const narrow = arcLayout(chain(64), 375);
    expect(narrow.width).toBeGreaterThan(375);
    expect(narrow.spacing).toBeGreaterThanOrEqual(24);
    const wide = arcLayout(chain(64), 2000);
    expect(wide.width).toBe(2000);
    expect(wide.nodes[63].x).toBeLessThan(2000);
  });

  it('keeps long arcs within a bounded height', () => {
    const parents = Array.from({ length: 64 }, (_, i) => (i === 0 || i === 63 ? [] : [0]));
    const layout = arcLayout({ T: 64, multi_parent: false, parents }, 1440);
    expect(Math.min(...layout.arcs.map((a) => a.apexY))).toBeGreaterThanOrEqual(0);
    expect(layout.nodeY).toBeLessThan(160);
  });

  it('skips edges the engine would refuse instead of drawing them backwards', () => {
    const layout = arcLayout({ T: 3, multi_parent: false, parents: [[1], [1], []] }, 300);
    expect(layout.arcs).toHaveLength(0);
  });
});

describe('labels and legend', () => {
  it('shows tokens as letters up to S = 26', () => {
    expect(tokenLabel(0, 10)).toBe('A');
    expect(tokenLabel(25, 26)).toBe('Z');
    expect(tokenLabel(30, 64)).toBe('30');
    expect(tokenLabel(Number.NaN, 5)).toBe('');
  });

  it('gives parent slots distinct colours', () => {
    expect(parentSlotColor(0, 2)).not.toBe(parentSlotColor(1, 2));
    expect(parentSlotColor(1, 2)).toBe(parentSlotColor(0, 1));
  });

  it('wraps legend entries within the width', () => {
    const entries = [{ label: 'farther parent', swatch: true }, { label: 'nearer parent', swatch: true }, { label: 'letters: one sampled sequence (S = 5)', swatch: false }];
    expect(legendLayout(entries, 1000).map((p) => p.row)).toEqual([0, 0, 0]);
    const narrow = legendLayout(entries, 300);
    expect(narrow[0]).toEqual({ x: 0, row: 0 });
    expect(narrow[2].row).toBeGreaterThan(0);
    expect(narrow[2].x).toBe(0);
  });
});

describe('detectPhaseTransition', () => {
  const points = (values: number[], every = 10) => values.map((recovery, k) => ({ step: k * every, recovery }));

  it('finds the first step at or above the threshold after one below', () => {
    expect(detectPhaseTransition(points([0.1, 0.2, 0.3, 0.6, 0.9]))).toBe(30);
    expect(detectPhaseTransition(points([0.1, 0.5, 0.9]))).toBe(10);
    expect(detectPhaseTransition(points([0.1, 0.6, 0.4, 0.8]))).toBe(10);
  });

  it('takes a threshold', () => {
    expect(detectPhaseTransition(points([0.1, 0.6, 0.8, 0.95]), 0.9)).toBe(30);
  });

  it('returns null without a crossing', () => {
    expect(detectPhaseTransition([])).toBeNull();
    expect(detectPhaseTransition(points([0.1, 0.2, 0.3]))).toBeNull();
    expect(detectPhaseTransition(points([0.7, 0.8, 0.9]))).toBeNull();
  });

  it('skips non-finite values', () => {
    expect(detectPhaseTransition(points([Number.NaN, 0.2, Number.POSITIVE_INFINITY, 0.7]))).toBe(30);
    expect(detectPhaseTransition(points([0.2, Number.NaN, Number.NaN]))).toBeNull();
  });
});

describe('MinMaxDecimator', () => {
  // The reference: every bucket of the decimator's current size, scanned from scratch.
  function bruteForce(values: ArrayLike<number>, length: number, bucketSize: number): number[] {
    const kept: number[] = [];
    for (let start = 0; start < length; start += bucketSize) {
      let low = -1;
      let high = -1;
      for (let i = start; i < Math.min(length, start + bucketSize); i++) {
        if (!Number.isFinite(values[i])) continue;
        if (low < 0 || values[i] < values[low]) low = i;
        if (high < 0 || values[i] > values[high]) high = i;
      }
      if (low >= 0) kept.push(...(low === high ? [low] : [Math.min(low, high), Math.max(low, high)]));
    }
    return kept;
  }
  const noisy = (n: number) => {
    const values = new Float64Array(n);
    let s = 12345;
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      values[i] = 2 + s / 2147483648 - 0.5;
    }
    return values;
  };

  it('keeps every finite point while there are few', () => {
    expect(new MinMaxDecimator(100).indices([1, Number.NaN, 3, Number.POSITIVE_INFINITY, 2], 5)).toEqual([0, 2, 4]);
  });

  it('fed in chunks, matches a from-scratch scan', () => {
    const n = 50_000;
    const values = noisy(n);
    values[777] = Number.NaN;
    const decimator = new MinMaxDecimator(100);
    let length = 0;
    for (const chunk of [1, 99, 57, 3000, 1, 12_345, 20_000, n]) {
      length = Math.min(n, length + chunk);
      const kept = decimator.indices(values, length);
      let size = 1;
      while (length > size * 100) size *= 2;
      expect(kept).toEqual(bruteForce(values, length, size));
    }
  });

  it('keeps at most two points per bucket, in order, and spikes survive', () => {
    const n = 200_000;
    const values = noisy(n);
    values[123_457] = 9;
    values[42] = Number.NaN;
    const kept = new MinMaxDecimator(1000).indices(values, n);
    expect(kept.length).toBeLessThanOrEqual(2000);
    expect(kept.length).toBeGreaterThan(500);
    kept.forEach((k, m) => m > 0 && expect(k).toBeGreaterThan(kept[m - 1]));
    expect(kept).toContain(123_457);
    expect(kept).not.toContain(42);
  });

  it('starts over after a reset, or when the data shrinks', () => {
    const decimator = new MinMaxDecimator(10);
    decimator.indices(noisy(1000), 1000);
    expect(decimator.indices([5, 6, 7], 3)).toEqual([0, 1, 2]);
    decimator.reset();
    expect(decimator.indices([1, 2], 2)).toEqual([0, 1]);
  });
});

describe('the recovery headline', () => {
  it('is the best head on single-parent tasks', () => {
    expect(summarizeRecovery([[0.3], [0.97]])).toBeCloseTo(0.97);
    expect(formatRecovery(summarizeRecovery([[0.3], [0.97]]))).toBe('0.97');
  });

  it('is the mean over heads of each head\'s best slot on multi-parent tasks', () => {
    expect(summarizeRecovery([[0.9, 0.1], [0.2, 0.7]])).toBeCloseTo(0.8);
  });

  it('shows a dash when nothing is finite', () => {
    expect(formatRecovery(summarizeRecovery([[Number.NaN], [Number.NaN]]))).toBe('—');
    expect(formatRecovery(summarizeRecovery([]))).toBe('—');
    expect(summarizeRecovery([[Number.NaN, 0.4], [0.6, Number.NaN]])).toBeCloseTo(0.5);
  });
});
