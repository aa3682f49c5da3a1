// The two-parent plateau, found in a run's own recovery curves: the stretch of steps where the
// first-layer heads have found one parent while the other parent's recovery stays flat and low
// (on the paper's two-parent graph both heads sit on i-1 for a while, then split suddenly).
//
// Pure: it reads per-slot recovery points (each slot's best head, as the headline number does)
// and says where the plateau starts and ends. The loss chart shades it; nothing is hard-coded.

/** One evaluated step: each parent slot's recovery by its best head. */
export interface SlotRecoveryPoint {
  step: number;
  slots: readonly number[];
}

export interface Plateau {
  /** The first step at which one parent is found and another is not. */
  start: number;
  /** The last step at which the lagging parent's recovery was still flat (the latest step while it lasts). */
  end: number;
  /** The slot that waits (0 is the farthest parent). */
  laggingSlot: number;
  /** The plateau has not ended yet: the lagging parent is still flat at the latest step. */
  ongoing: boolean;
}

export interface PlateauOptions {
  /**
   * A parent is found when its best head puts at least this much attention on it, and at least
   * `lead` more than on the waiting parent. (On the two-parent preset both heads level off near
   * 0.45 on i-1 while the far parent idles near 0.1: a plateau well under the headline's 0.9.)
   */
  found?: number;
  lead?: number;
  /** The plateau ends when the lagging parent rises this much above its lowest value since the start. */
  rise?: number;
  /** Fewest evaluated points in a plateau (a split that comes at once is no plateau). */
  minPoints?: number;
}

/** Each slot's best head: recovery[head][slot] -> slot values (non-finite entries skipped). */
export function bestPerSlot(recovery: ReadonlyArray<ReadonlyArray<number>>): number[] {
  const slots = recovery.reduce((most, head) => Math.max(most, head.length), 0);
  const best: number[] = [];
  for (let s = 0; s < slots; s++) {
    let value = NaN;
    for (const head of recovery) {
      const v = head[s];
      if (Number.isFinite(v) && !(v <= value)) value = v;
    }
    best.push(value);
  }
  return best;
}

/**
 * The plateau of a multi-parent run, or null when there is none (yet): fewer than two slots,
 * no parent found well ahead of another, or a lagging parent that rose within `minPoints`. It
 * ends when the lagging parent rises (`rise` above its lowest since the start) or is found.
 * Points are in step order.
 */
export function detectPlateau(points: readonly SlotRecoveryPoint[], options: PlateauOptions = {}): Plateau | null {
  const found = options.found ?? 0.3;
  const lead = options.lead ?? 0.2;
  const rise = options.rise ?? 0.1;
  const minPoints = options.minPoints ?? 3;
  let startIndex = -1;
  let lagging = -1;
  for (let k = 0; k < points.length; k++) {
    const slots = points[k].slots;
    if (slots.length < 2 || !slots.every(Number.isFinite)) continue;
    const high = Math.max(...slots);
    const low = Math.min(...slots);
    if (high >= found && high - low >= lead) {
      startIndex = k;
      lagging = slots.indexOf(low);
      break;
    }
  }
  if (startIndex < 0) return null;
  let lowest = points[startIndex].slots[lagging];
  let endIndex = startIndex;
  let ongoing = true;
  for (let k = startIndex + 1; k < points.length; k++) {
    const value = points[k].slots[lagging];
    if (!Number.isFinite(value)) continue;
    if (value > lowest + rise || value >= found) {
      ongoing = false;
      break;
    }
    lowest = Math.min(lowest, value);
    endIndex = k;
  }
  if (endIndex - startIndex + 1 < minPoints) return null;
  return { start: points[startIndex].step, end: points[endIndex].step, laggingSlot: lagging, ongoing };
}
