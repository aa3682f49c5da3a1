// The A and W blocks view's DOM-free helpers: embedding and stream names, widths, heads per
// layer, transposing W. (No jsdom here: the drawing itself is checked by screenshots.)
import { describe, expect, it } from 'vitest';

import {
  a1Regions,
  embeddingName,
  featureName,
  headsPerLayer,
  largestMagnitude,
  normalizeWidths,
  streamParts,
  transpose,
} from '../../web/views/blocks';

describe('BlocksView helpers', () => {
  const S = 10;
  const T = 20;
  const widths = [30, 60, 120];

  it('names and splits the embedding into token and position blocks', () => {
    expect(embeddingName(3, S)).toBe('tok 3');
    expect(embeddingName(17, S)).toBe('pos 7');
    expect(a1Regions(S, T).map((r) => r.label)).toEqual(['token→token', 'token→position', 'position→token', 'position→position']);
    expect(a1Regions(S, T)[1]).toMatchObject({ rowStart: 0, rowEnd: 10, colStart: 10, colEnd: 30 });
  });

  it('reads heads per layer and the parts of the last stream from the widths', () => {
    expect(normalizeWidths(S, T, widths)).toEqual(widths);
    expect(normalizeWidths(S, T, [60, 120])).toEqual(widths);
    expect(headsPerLayer(widths)).toEqual([1, 1]);
    expect(headsPerLayer([30, 90, 180])).toEqual([2, 1]);
    expect(streamParts(widths).map((p) => [p.label, p.start, p.end])).toEqual([
      ['x', 0, 30],
      ['layer-1 head 1', 30, 60],
      ['layer-2 head 1', 60, 120],
    ]);
    expect(streamParts([30, 90, 180]).map((p) => [p.shortLabel, p.start, p.end])).toEqual([
      ['x', 0, 30],
      ['L1h1', 30, 60],
      ['L1h2', 60, 90],
      ['L2h1', 90, 180],
    ]);
  });

  it('names every feature of the last stream by the path that wrote it', () => {
    expect(featureName(3, S, widths)).toBe('x · tok 3');
    expect(featureName(30 + 16, S, widths)).toBe('layer-1 head 1 · pos 6');
    expect(featureName(60 + 3, S, widths)).toBe('layer-2 head 1 · tok 3');
    expect(featureName(60 + 30 + 3, S, widths)).toBe('layer-2 head 1 · layer-1 head 1 · tok 3');
    expect(featureName(60 + 2, S, [30, 90, 180])).toBe('layer-1 head 2 · tok 2');
  });

  it('transposes W, padding a short array with NaN', () => {
    const W = Float32Array.from([1, 2, 3, 4, 5, 6]); // (3, 2)
    expect(Array.from(transpose(W, 3, 2))).toEqual([1, 3, 5, 2, 4, 6]);
    const out = new Float64Array(6);
    expect(transpose(W, 3, 2, out)).toBe(out);
    expect(Array.from(transpose([1, 2], 2, 2)).map(Number.isNaN)).toEqual([false, true, false, true]);
  });

  it('finds the largest finite magnitude across heads', () => {
    expect(largestMagnitude([Float32Array.from([0.5, -2]), Float32Array.from([1, NaN, Infinity])])).toBe(2);
    expect(largestMagnitude([])).toBe(0);
  });
});
