// The loss chart's pure parts (web/views/loss-chart-data.ts): the phase-transition detector, the
// min-max decimation of long series, the exported legend's rows and the readout's index at a
// step. Node environment (no DOM): the chart itself is checked in the browser suite.
import { describe, expect, it } from 'vitest';

import { detectPhaseTransition, lastIndexAtOrBefore, legendRows, MinMaxDecimator } from '../../web/views/loss-chart-data';

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

describe('legendRows (the legend drawn into an exported PNG)', () => {
  it('fills a row, then wraps, and never starts a row with a gap', () => {
    expect(legendRows([40, 40, 40], 200, 10)).toEqual([{ x: 0, row: 0 }, { x: 50, row: 0 }, { x: 100, row: 0 }]);
    expect(legendRows([90, 90, 90], 200, 10)).toEqual([{ x: 0, row: 0 }, { x: 100, row: 0 }, { x: 0, row: 1 }]);
    // An entry wider than the row still gets a row of its own.
    expect(legendRows([300, 20], 200, 10)).toEqual([{ x: 0, row: 0 }, { x: 0, row: 1 }]);
  });
});

describe('lastIndexAtOrBefore (the readout at a scrubbed step)', () => {
  it('finds the last point at or before the step', () => {
    const steps = [0, 10, 20, 20, 40];
    expect(lastIndexAtOrBefore(steps, 20)).toBe(3);
    expect(lastIndexAtOrBefore(steps, 39)).toBe(3);
    expect(lastIndexAtOrBefore(steps, 40)).toBe(4);
    expect(lastIndexAtOrBefore(steps, 1e9)).toBe(4);
    expect(lastIndexAtOrBefore(steps, 5)).toBe(0);
    expect(lastIndexAtOrBefore(steps, -1)).toBe(0);
  });
});
