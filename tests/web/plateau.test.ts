// The two-parent plateau, read from per-slot recovery curves (web/views/plateau.ts).
import { describe, expect, it } from 'vitest';

import { bestPerSlot, detectPlateau, type SlotRecoveryPoint } from '../../web/views/plateau';

/** Points every 100 steps from two slot curves. */
const curves = (far: number[], near: number[]): SlotRecoveryPoint[] =>
  far.map((value, k) => ({ step: 100 * k, slots: [value, near[k]] }));

describe('bestPerSlot', () => {
  it('takes each slot from its best head and skips what is not a number', () => {
    expect(bestPerSlot([[0.1, 0.8], [0.6, 0.2]])).toEqual([0.6, 0.8]);
    expect(bestPerSlot([[NaN, 0.3], [0.2]])).toEqual([0.2, 0.3]);
    expect(bestPerSlot([])).toEqual([]);
  });
});

describe('detectPlateau', () => {
  it('finds the steps where one parent is found and the other stays flat, then splits', () => {
    // i-1 (slot 1) levels off near 0.45 from step 300; the far parent (slot 0) idles near 0.12 until it rises at step 900.
    const points = curves(
      [0.1, 0.1, 0.11, 0.12, 0.11, 0.13, 0.12, 0.12, 0.14, 0.35, 0.7, 0.85],
      [0.1, 0.2, 0.28, 0.4, 0.45, 0.46, 0.47, 0.47, 0.47, 0.6, 0.8, 0.86],
    );
    expect(detectPlateau(points)).toEqual({ start: 300, end: 800, laggingSlot: 0, ongoing: false });
  });

  it('is ongoing while the lagging parent is still flat at the latest step', () => {
    const points = curves([0.1, 0.12, 0.11, 0.12, 0.13], [0.2, 0.35, 0.45, 0.46, 0.47]);
    expect(detectPlateau(points)).toEqual({ start: 100, end: 400, laggingSlot: 0, ongoing: true });
  });

  it('finds none when both parents are found together, or with one slot, or none found', () => {
    expect(detectPlateau(curves([0.1, 0.3, 0.6, 0.8], [0.1, 0.35, 0.65, 0.8]))).toBeNull();
    expect(detectPlateau([0, 1, 2, 3].map((k) => ({ step: k, slots: [0.2 * k] })))).toBeNull();
    expect(detectPlateau(curves([0.1, 0.1, 0.1, 0.1], [0.15, 0.2, 0.25, 0.28]))).toBeNull();
    expect(detectPlateau([])).toBeNull();
  });

  it('does not depend on which slot waits, and the thresholds can be set', () => {
    const points = curves([0.2, 0.6, 0.7, 0.7, 0.72, 0.8], [0.05, 0.06, 0.05, 0.07, 0.3, 0.7]);
    expect(detectPlateau(points)).toMatchObject({ start: 100, end: 300, laggingSlot: 1 });
    expect(detectPlateau(points, { rise: 0.5, found: 0.75 })).toBeNull();
    expect(detectPlateau(points, { rise: 0.5, found: 0.65 })).toMatchObject({ start: 200, end: 400, ongoing: false });
  });
});
