// The loss chart's overlay layout (web/views/loss-chart-overlays.ts layoutOverlays) on a stand-in
// for uPlot: a 400 x 200 plot, steps 0..100 across and losses 0..2 up, text 6 px per character.
import uPlot from 'uplot';
import { beforeAll, describe, expect, it } from 'vitest';

import { BASELINE_LINES, layoutOverlays, type OverlayState } from '../../web/views/loss-chart-overlays';

const bbox = { left: 50, top: 10, width: 400, height: 200 };
const plot = {
  bbox,
  valToPos: (value: number, axis: 'x' | 'y') =>
    axis === 'x' ? bbox.left + (value / 100) * bbox.width : bbox.top + bbox.height - (value / 2) * bbox.height,
  ctx: { save() {}, restore() {}, font: '', measureText: (text: string) => ({ width: 6 * text.length }) },
} as unknown as uPlot;

const line = (key: string) => BASELINE_LINES.find((l) => l.key === key)!;
const state = (over: Partial<OverlayState>): OverlayState => ({ plateau: null, baselines: [], cursorStep: null, interventions: [], phaseStep: null, ...over });
const labelOf = (text: string, layout: ReturnType<typeof layoutOverlays>) => layout.labels.find((l) => l.text === text);

describe('the loss chart overlay layout', () => {
  beforeAll(() => {
    // Node has no devicePixelRatio: one device px per css px.
    (uPlot as unknown as { pxRatio: number }).pxRatio = 1;
  });

  it("puts the plateau's word below a baseline that crosses the band's top, and off its label", () => {
    // uniform at 1.9 nats: y = 20, a line 10 px under the plot's top, where the word would sit.
    const layout = layoutOverlays(plot, state({ plateau: { start: 10, end: 60, label: 'one parent found, the other flat' }, baselines: [{ line: line('uniform'), value: 1.9 }] }));
    const word = labelOf('plateau', layout)!;
    expect(word).toBeDefined();
    const uniformY = layout.baselines[0].y;
    // The word's box (its bottom at y, 12 px tall) does not hold the line.
    expect(uniformY < word.y - 12 || uniformY > word.y).toBe(true);
    expect(word.y).toBeLessThan(bbox.top + bbox.height);
  });

  it('keeps the word at the top of the band when no baseline is near', () => {
    const layout = layoutOverlays(plot, state({ plateau: { start: 10, end: 60, label: 'one parent found, the other flat' }, baselines: [{ line: line('bayes'), value: 0.5 }] }));
    expect(labelOf('plateau', layout)!.y).toBe(bbox.top + 14);
  });

  it("puts a baseline's label on the side of its line away from the test curve at the right end", () => {
    const bayes = [{ line: line('bayes'), value: 0.5 }];
    const over = layoutOverlays(plot, state({ baselines: bayes, latestLoss: 0.55 }));
    const y = over.baselines[0].y;
    expect(labelOf('Bayes (knows the graph)', over)!.y - 12).toBeGreaterThan(y);  // under the line: the curve is above
    const under = layoutOverlays(plot, state({ baselines: bayes, latestLoss: 0.4 }));
    expect(labelOf('Bayes (knows the graph)', under)!.y).toBeLessThan(y);
    // A line at the plot's bottom keeps its label above, inside the plot.
    const low = layoutOverlays(plot, state({ baselines: [{ line: line('bayes'), value: 0.01 }], latestLoss: 0.5 }));
    expect(labelOf('Bayes (knows the graph)', low)!.y).toBeLessThanOrEqual(bbox.top + bbox.height);
  });

  it("drops a baseline's label that would sit on another's, and lays an intervention's label off both", () => {
    const layout = layoutOverlays(plot, state({
      baselines: [{ line: line('unigram'), value: 1.0 }, { line: line('uniform'), value: 1.02 }],
      interventions: [{ step: 90, label: 'swap parents' }],
      phaseStep: 40,
      cursorStep: 150,  // out of view
    }));
    expect(layout.labels.map((l) => l.text)).toEqual(['unigram', 'swap parents']);
    expect(layout.phaseX).toBe(bbox.left + 0.4 * bbox.width);
    expect(layout.cursorX).toBeNull();
    // Right of x = 410 the label would leave the plot: it goes left of its line.
    const intervention = labelOf('swap parents', layout)!;
    expect(intervention.x + 6 * 'swap parents'.length).toBeLessThanOrEqual(bbox.left + bbox.width);
  });
});
