// The heat map's DOM-free parts: colours, domains, legend ticks, layout, hit testing and
// keyboard moves. (No jsdom here: the drawing itself is checked by screenshots.)
import { interpolatePuOr, interpolateViridis } from 'd3-scale-chromatic';
import { describe, expect, it } from 'vitest';

import { embeddingGroups } from '../../web/views/blocks';
import {
  cellAt,
  colourFor,
  colourPosition,
  computeLayout,
  formatTick,
  formatValue,
  legendTicks,
  moveCell,
  niceStep,
  parseColour,
  resolveDomain,
  tickIndices,
  wrapText,
  type LayoutInput,
} from '../../web/views/heatmap';

// A stand-in for canvas measureText: 6 px per character.
const measure = (text: string) => text.length * 6;

function layoutInput(overrides: Partial<LayoutInput> = {}): LayoutInput {
  const T = 20;
  const names = Array.from({ length: T }, (_, i) => String(i));
  return {
    width: 375,
    dpr: 1,
    rows: T,
    cols: T,
    title: 'Layer 1 · head 1 (parameter view)',
    rowNames: names,
    colNames: names,
    showRowTicks: true,
    showColTicks: true,
    legendLabel: 'attention weight',
    ...overrides,
  };
}

describe('Heatmap colours', () => {
  it('parses both colour forms that d3 interpolators return', () => {
    expect(parseColour('#440154')).toEqual([68, 1, 84]);
    expect(parseColour('rgb(45, 0, 75)')).toEqual([45, 0, 75]);
    expect(() => parseColour('teal')).toThrow();
  });

  it('paints weights with viridis: 0 and 1 are its ends, outside values clamp', () => {
    expect(colourFor(0, 'weight', [0, 1])).toEqual(parseColour(interpolateViridis(0)));
    expect(colourFor(1, 'weight', [0, 1])).toEqual(parseColour(interpolateViridis(1)));
    expect(colourFor(7, 'weight', [0, 1])).toEqual(colourFor(1, 'weight', [0, 1]));
    expect(colourFor(-3, 'weight', [0, 1])).toEqual(colourFor(0, 'weight', [0, 1]));
  });

  it('paints signed values with a diverging map centred on 0', () => {
    expect(colourFor(0, 'signed', [-2, 2])).toEqual(parseColour(interpolatePuOr(0.5)));
    expect(colourFor(-2, 'signed', [-2, 2])).toEqual(parseColour(interpolatePuOr(0)));
    expect(colourFor(2, 'signed', [-2, 2])).toEqual(parseColour(interpolatePuOr(1)));
  });

  it('never gives a colour to values that are not finite', () => {
    for (const v of [NaN, Infinity, -Infinity]) {
      expect(colourFor(v, 'weight', [0, 1])).toBeNull();
      expect(colourFor(v, 'signed', [-1, 1])).toBeNull();
      expect(Number.isNaN(colourPosition(v, [0, 1]))).toBe(true);
    }
  });
});

describe('Heatmap domain and legend', () => {
  it('uses [0, 1] for weights and max |v| for signed values, skipping NaN and masked cells', () => {
    expect(resolveDomain('weight', [0.2, 5])).toEqual([0, 1]);
    expect(resolveDomain('signed', [0.5, -3, NaN, Infinity, 2])).toEqual([-3, 3]);
    expect(resolveDomain('signed', [1, -9, 2], undefined, (i) => i !== 1)).toEqual([-2, 2]);
  });

  it('falls back to [-1, 1] when everything is 0 or not finite, and honours a sound explicit domain', () => {
    expect(resolveDomain('signed', [0, 0, NaN])).toEqual([-1, 1]);
    expect(resolveDomain('signed', [5], [-0.5, 0.5])).toEqual([-0.5, 0.5]);
    expect(resolveDomain('signed', [5], [1, 1])).toEqual([-5, 5]);
    expect(resolveDomain('weight', [5], [NaN, 1])).toEqual([0, 1]);
  });

  it('puts 3 to 5 ticks on the legend, covering the domain', () => {
    const weight = legendTicks('weight', [0, 1]);
    expect(weight.length).toBeGreaterThanOrEqual(3);
    expect(weight.length).toBeLessThanOrEqual(5);
    expect(weight[0]).toBe(0);
    expect(weight.at(-1)).toBe(1);
    expect(legendTicks('signed', [-0.8, 0.8])).toEqual([-0.8, -0.4, 0, 0.4, 0.8]);
    for (const domain of [[0, 0.83], [-1, 3], [0, 100], [2, 2.5]] as [number, number][]) {
      const ticks = legendTicks('signed', domain);
      expect(ticks.length, String(domain)).toBeGreaterThanOrEqual(2);
      expect(ticks.length, String(domain)).toBeLessThanOrEqual(5);
      for (const t of ticks) expect(t >= domain[0] && t <= domain[1]).toBe(true);
    }
  });

  it('formats ticks short and values with three decimals, with a real minus sign', () => {
    expect(formatTick(0)).toBe('0');
    expect(formatTick(0.25)).toBe('0.25');
    expect(formatTick(1)).toBe('1');
    expect(formatTick(-3.3333)).toBe('\u22123.3');
    expect(formatTick(12.25)).toBe('12.3');
    expect(formatTick(0.00012)).toBe('1.2e-4');
    expect(formatValue(0.91234)).toBe('0.912');
    expect(formatValue(-0.5)).toBe('\u22120.500');
    expect(formatValue(-0.0001)).toBe('0.000');
    expect(formatValue(NaN)).toBe('not a number');
    expect(formatValue(-Infinity)).toBe('not a number');
  });
});

describe('Heatmap ticks and layout', () => {
  it('picks nice tick steps', () => {
    expect([0, 1, 2, 3, 4, 6, 11, 30].map(niceStep)).toEqual([1, 1, 2, 5, 5, 10, 20, 50]);
  });

  it('counts ticks from each group start and keeps them a step apart', () => {
    expect(tickIndices(20, 5)).toEqual([0, 5, 10, 15]);
    const groups = embeddingGroups(10, 20);
    expect(tickIndices(30, 5, groups)).toEqual([0, 5, 10, 15, 20, 25]);
    // S = 3: group starts come first (0), 3 is too close to it, then the position group's steps.
    expect(tickIndices(23, 5, embeddingGroups(3, 20))).toEqual([0, 8, 13, 18]);
    expect(tickIndices(23, 2, embeddingGroups(3, 20))).toEqual([0, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21]);
  });

  it('wraps a long title', () => {
    expect(wrapText('Layer 1 · head 1 (batch-averaged view)', 120, measure)).toEqual(['Layer 1 · head 1', '(batch-averaged', 'view)']);
    expect(wrapText('short', 500, measure)).toEqual(['short']);
  });

  for (const width of [280, 375, 600]) {
    for (const dpr of [1, 2, 3]) {
      it(`keeps square whole-pixel cells inside ${width} px at dpr ${dpr}`, () => {
        const layout = computeLayout(layoutInput({ width, dpr }), measure);
        expect(Number.isInteger(layout.cellDevice)).toBe(true);
        expect(layout.cell * dpr).toBeCloseTo(layout.cellDevice, 9);
        expect(Number.isInteger(layout.plotX * dpr + 1e-9) || Math.abs(layout.plotX * dpr - Math.round(layout.plotX * dpr)) < 1e-9).toBe(true);
        expect(layout.plotWidth).toBeCloseTo(layout.plotHeight, 9);
        expect(layout.width).toBe(width);
        expect(layout.plotX + layout.plotWidth).toBeLessThanOrEqual(width);
        expect(layout.plotHeight).toBeLessThanOrEqual(480);
        expect(layout.cell).toBeGreaterThan(8);
        expect(layout.legendX + layout.legendWidth).toBeLessThanOrEqual(width);
      });
    }
  }

  it('grows with the width until the height cap, then stops', () => {
    const narrow = computeLayout(layoutInput({ width: 300 }), measure);
    const wide = computeLayout(layoutInput({ width: 600 }), measure);
    const huge = computeLayout(layoutInput({ width: 1400 }), measure);
    expect(wide.cell).toBeGreaterThan(narrow.cell);
    expect(huge.plotHeight).toBeLessThanOrEqual(480);
    expect(huge.plotHeight).toBeGreaterThan(440);
  });

  it('fits a wide readout matrix (10 x 120) across the width', () => {
    const layout = computeLayout(
      layoutInput({ width: 375, rows: 10, cols: 120, rowNames: ['tok 0'], colNames: [], showColTicks: false, dpr: 2 }),
      measure,
    );
    expect(layout.plotX + layout.plotWidth).toBeLessThanOrEqual(375);
    expect(layout.cellDevice).toBeGreaterThanOrEqual(4);
    expect(layout.colTicks).toEqual([]);
  });

  it('with a smallest cell, keeps the readout legible on a phone and lays it out wider, to scroll', () => {
    const input = layoutInput({ width: 375, rows: 10, cols: 120, rowNames: ['tok 0'], colNames: [], showColTicks: false, dpr: 2 });
    const fitted = computeLayout(input, measure);
    const legible = computeLayout({ ...input, minCell: 6 }, measure);
    expect(fitted.plotHeight).toBeLessThan(30);
    expect(legible.cell).toBeGreaterThanOrEqual(6);
    expect(legible.plotHeight).toBeGreaterThanOrEqual(60);
    expect(legible.width).toBeGreaterThanOrEqual(legible.plotX + 120 * 6);
    // Where the width is enough, the smallest cell changes nothing.
    const wide = computeLayout({ ...input, width: 1400 }, measure);
    expect(computeLayout({ ...input, width: 1400, minCell: 6 }, measure)).toEqual(wide);
  });

  it('thins tick names so they never overlap', () => {
    const layout = computeLayout(layoutInput({ width: 280 }), measure);
    const gaps = layout.colTicks.slice(1).map((c, i) => (c - layout.colTicks[i]) * layout.cell);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(2 * 6 + 6);
    const rowGaps = layout.rowTicks.slice(1).map((r, i) => (r - layout.rowTicks[i]) * layout.cell);
    for (const gap of rowGaps) expect(gap).toBeGreaterThanOrEqual(12);
  });
});

describe('Heatmap hit testing and keyboard', () => {
  const geometry = { plotX: 40, plotY: 30, cell: 10, rows: 20, cols: 20 };

  it('finds the cell under the pointer, and nothing outside the plot', () => {
    expect(cellAt(40, 30, geometry)).toEqual({ row: 0, col: 0 });
    expect(cellAt(40 + 10 * 7 + 9.9, 30 + 10 * 3 + 0.1, geometry)).toEqual({ row: 3, col: 7 });
    expect(cellAt(239.9, 229.9, geometry)).toEqual({ row: 19, col: 19 });
    expect(cellAt(240, 100, geometry)).toBeNull();
    expect(cellAt(39.9, 100, geometry)).toBeNull();
    expect(cellAt(100, 29, geometry)).toBeNull();
    expect(cellAt(100, 100, { ...geometry, cell: 0 })).toBeNull();
  });

  it('moves with arrows, Home, End and pages, clamped to the matrix', () => {
    expect(moveCell({ row: 0, col: 0 }, 'ArrowUp', 20, 20)).toEqual({ row: 0, col: 0 });
    expect(moveCell({ row: 0, col: 0 }, 'ArrowRight', 20, 20)).toEqual({ row: 0, col: 1 });
    expect(moveCell({ row: 5, col: 5 }, 'ArrowDown', 20, 20)).toEqual({ row: 6, col: 5 });
    expect(moveCell({ row: 5, col: 5 }, 'ArrowLeft', 20, 20)).toEqual({ row: 5, col: 4 });
    expect(moveCell({ row: 5, col: 5 }, 'End', 20, 30)).toEqual({ row: 5, col: 29 });
    expect(moveCell({ row: 5, col: 5 }, 'Home', 20, 30)).toEqual({ row: 5, col: 0 });
    expect(moveCell({ row: 18, col: 5 }, 'PageDown', 20, 20)).toEqual({ row: 19, col: 5 });
    expect(moveCell({ row: 5, col: 5 }, 'a', 20, 20)).toBeNull();
  });
});
