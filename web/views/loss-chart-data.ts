// The loss chart's data, without the DOM (tested in tests/web/loss-chart.test.ts): the phase
// transition's step, min/max decimation of the training losses, growable columns of points,
// the exported legend's rows and the readout's index at a step.

/**
 * The first step at which parent recovery crosses `threshold` from below: the step of the
 * first point at or above it that follows a point below it. Points are in step order;
 * non-finite recoveries are skipped. A run that starts above the threshold has no crossing
 * (null), and so has one that never reaches it.
 */
export function detectPhaseTransition(
  points: { step: number; recovery: number }[],
  threshold = 0.5,
): number | null {
  let seenBelow = false;
  for (const { step, recovery } of points) {
    if (!Number.isFinite(recovery) || !Number.isFinite(step)) continue;
    if (recovery < threshold) seenBelow = true;
    else if (seenBelow) return step;
  }
  return null;
}

/**
 * Min/max decimation, incremental: points fall into buckets of a power-of-two size, at most
 * `maxBuckets` of them, and each bucket keeps its lowest and highest finite point. Drawn as a
 * line in step order, that looks like the raw noisy trace at screen resolution. Finished buckets
 * are kept between calls and merged in pairs when the size doubles (the min of two buckets is
 * the min of their mins), so a call costs the new points plus one pass over the buckets.
 */
export class MinMaxDecimator {
  private bucketSize = 1;
  /** Per finished bucket: index of its lowest and highest finite point, or -1. */
  private lows: number[] = [];
  private highs: number[] = [];
  /** Points covered by the finished buckets. */
  private covered = 0;

  constructor(private readonly maxBuckets: number) {}

  reset(): void {
    this.bucketSize = 1;
    this.lows = [];
    this.highs = [];
    this.covered = 0;
  }

  /** Indices to draw among values[0, length), ascending. `values` may only grow between calls. */
  indices(values: ArrayLike<number>, length: number): number[] {
    if (length < this.covered) this.reset();
    while (length > this.bucketSize * this.maxBuckets) this.coarsen(values);
    while (this.covered + this.bucketSize <= length) {
      const [low, high] = extremes(values, this.covered, this.covered + this.bucketSize);
      this.lows.push(low);
      this.highs.push(high);
      this.covered += this.bucketSize;
    }
    const kept: number[] = [];
    const emit = (low: number, high: number) => {
      if (low < 0) return;
      if (low === high) kept.push(low);
      else kept.push(Math.min(low, high), Math.max(low, high));
    };
    for (let b = 0; b < this.lows.length; b++) emit(this.lows[b], this.highs[b]);
    if (this.covered < length) emit(...extremes(values, this.covered, length));
    return kept;
  }

  private coarsen(values: ArrayLike<number>): void {
    const pairs = Math.floor(this.lows.length / 2);
    const pick = (a: number, b: number, lower: boolean) => {
      if (a < 0) return b;
      if (b < 0) return a;
      return (lower ? values[b] < values[a] : values[b] > values[a]) ? b : a;
    };
    const lows: number[] = [];
    const highs: number[] = [];
    for (let k = 0; k < pairs; k++) {
      lows.push(pick(this.lows[2 * k], this.lows[2 * k + 1], true));
      highs.push(pick(this.highs[2 * k], this.highs[2 * k + 1], false));
    }
    this.bucketSize *= 2;
    this.lows = lows;
    this.highs = highs;
    this.covered = pairs * this.bucketSize; // an odd last bucket is rescanned at the new size
  }
}

/** Indices of the lowest and highest finite values in [start, end), or -1 when there is none. */
function extremes(values: ArrayLike<number>, start: number, end: number): [number, number] {
  let low = -1;
  let high = -1;
  for (let i = start; i < end; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (low < 0 || v < values[low]) low = i;
    if (high < 0 || v > values[high]) high = i;
  }
  return [low, high];
}

// --- a bounded pair of columns ---------------------------------------------------------------

/** Most points a series keeps, whatever the length of the run (memory stays bounded). */
export const SERIES_CAPACITY = 8192;

/**
 * Steps and values (and a smoothed value) of one series, at most `capacity` points: when full,
 * neighbours merge pairwise (the mean of their values, the later step), as the engine's loss
 * history does, so a long run keeps its whole curve at a coarser grain.
 */
export class Columns {
  steps = new Float64Array(1024);
  values = new Float64Array(1024);
  /** Extra per-point column (the smoothed training loss). */
  smooth = new Float64Array(1024);
  length = 0;

  constructor(private readonly capacity = SERIES_CAPACITY) {
    if (capacity < 2 || capacity % 2 !== 0) throw new Error('Columns capacity must be even and at least 2');
  }

  /** Appends a point; returns true when the series was thinned to make room (indices changed). */
  push(step: number, value: number, smooth = NaN): boolean {
    let thinned = false;
    if (this.length === this.capacity) {
      this.mergePairs();
      thinned = true;
    }
    if (this.length === this.steps.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.steps = grow(this.steps);
      this.values = grow(this.values);
      this.smooth = grow(this.smooth);
    }
    this.steps[this.length] = step;
    this.values[this.length] = value;
    this.smooth[this.length] = smooth;
    this.length++;
    return thinned;
  }

  private mergePairs(): void {
    const mean = (a: number, b: number) => (Number.isFinite(a) ? (Number.isFinite(b) ? 0.5 * (a + b) : a) : b);
    const pairs = Math.floor(this.length / 2);
    for (let k = 0; k < pairs; k++) {
      this.steps[k] = this.steps[2 * k + 1];
      this.values[k] = mean(this.values[2 * k], this.values[2 * k + 1]);
      this.smooth[k] = this.smooth[2 * k + 1];
    }
    this.length = pairs;
  }

  clear(): void {
    this.length = 0;
  }
}

// --- styling ---------------------------------------------------------------------------------

/** Where each legend entry of an exported chart goes (rows that wrap within `maxWidth`). */
export function legendRows(widths: readonly number[], maxWidth: number, gap = 14): { x: number; row: number }[] {
  let x = 0;
  let row = 0;
  return widths.map((width) => {
    if (x > 0 && x + width > maxWidth) {
      x = 0;
      row++;
    }
    const place = { x, row };
    x += width + gap;
    return place;
  });
}

/** The last index of the ascending `steps` at or before `step` (0 when all come after it). */
export function lastIndexAtOrBefore(steps: ArrayLike<number>, step: number): number {
  let low = 0, high = steps.length - 1, found = 0;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (steps[mid] <= step) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}
