// The pure parts of the graph view: its arc layout, its editing state machine and spec
// strings, its labels and legend. Node environment (no DOM): the class itself is checked in the
// browser suite.
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

  it('selects a position; a click on an earlier node moves its one parent there', () => {
    let step = editGraph(none, parents(), 3);
    expect(step).toMatchObject({ state: { selected: 3 }, changed: false });
    step = editGraph(step.state, step.parents, 0);
    expect(step.changed).toBe(true);
    expect(step.parents[3]).toEqual([0]);
    expect(step.state.selected).toBe(3);
    expect(parentsToSpec(step.parents)).toBe('-;0;1;0;-');
    // Clicking the parent it already has changes nothing.
    const again = editGraph(step.state, step.parents, 0);
    expect(again.changed).toBe(false);
    expect(again.parents).toBe(step.parents);
  });

  it('Shift-click adds a second parent, and removes it when it already is one', () => {
    let step = editGraph({ selected: 3 }, parents(), 0, true);
    expect(step.changed).toBe(true);
    expect(step.parents[3]).toEqual([0, 2]);
    step = editGraph(step.state, step.parents, 2, true);
    expect(step.parents[3]).toEqual([0]);
    // A plain click on a two-parent position leaves it with the clicked one only.
    step = editGraph(step.state, step.parents, 1, true);
    expect(step.parents[3]).toEqual([0, 1]);
    step = editGraph(step.state, step.parents, 1);
    expect(step.parents[3]).toEqual([1]);
    // Shift-click on the only parent leaves a root.
    step = editGraph(step.state, step.parents, 1, true);
    expect(step.parents[3]).toEqual([]);
  });

  it('keeps parents ascending and does not touch the input', () => {
    const before = parents();
    const step = editGraph({ selected: 4 }, before, 3, true);
    const after = editGraph(step.state, step.parents, 1, true);
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
    for (const [k, click] of [0, 0, 0, 4, 4, 4, 5, -1, 2.5, 4, 3, 2, 1].entries()) {
      const step = editGraph(state, current, click, k % 2 === 1);
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
