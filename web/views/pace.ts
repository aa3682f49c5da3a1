// The "auto" pace: as fast as the machine allows, except while layer 1 is finding the graph.
// At full speed the chain preset's parent recovery climbs from 0.3 to 0.9 in about 40 steps,
// a fifth of a second: too fast to see. The auto pace limits the steps per second so that the
// headline recovery rises by at most RISE_PER_SECOND, which stretches that climb over a few
// seconds, and lets go again once recovery levels off (slow climbs, such as a random DAG's,
// are barely slowed at all). Pure (no DOM): tested in Node (tests/web/pace.test.ts).

/**
 * Every run starts slowly: its first SLOW_START_STEPS steps at SLOW_START_RATE steps per second
 * (8 s). Reacting to the measured rise alone comes too late on a fast machine, where one
 * evaluation can be 60 steps apart and the chain's whole climb takes 40; the chain preset's
 * climb (steps 40 to 80) falls inside the slow start, whatever the machine's speed.
 */
export const SLOW_START_STEPS = 120;
export const SLOW_START_RATE = 15;
/** The fastest rise of parent recovery the auto pace shows, per second of wall time. */
export const RISE_PER_SECOND = 0.18;
/** The auto pace never goes below this many steps per second. */
export const SLOWEST = 6;
/** Steps per second from which the limit is lifted (0 = no limit). */
const UNLIMITED_FROM = 150;
/** The rise is measured over at least this many steps (single evaluations are noisy). */
const WINDOW_STEPS = 6;
/** How much more to slow down while the rise is still speeding up (evaluations lag behind). */
const ACCELERATING_MARGIN = 3;

interface Point {
  step: number;
  recovery: number;
}

export class AutoPace {
  private points: Point[] = [];
  private limit = SLOW_START_RATE;
  private lastRise = 0;

  /** A new run: back to the slow start. */
  reset(): void {
    this.points = [];
    this.limit = SLOW_START_RATE;
    this.lastRise = 0;
  }

  /** The steps-per-second limit now (0: none). */
  get current(): number {
    return this.limit;
  }

  /**
   * One evaluated point of the run. Returns the new steps-per-second limit (0: none) when it
   * changed enough to be worth sending, else null.
   */
  observe(step: number, recovery: number): number | null {
    if (!Number.isFinite(recovery)) return null;
    const last = this.points.at(-1);
    if (last && step <= last.step) {
      if (step < last.step) this.reset(); // the run restarted
      else return null;
    }
    this.points.push({ step, recovery });
    if (this.points.length > 64) this.points.splice(0, this.points.length - 64);
    let from: Point | undefined;
    for (let k = this.points.length - 2; k >= 0; k--) {
      if (step - this.points[k].step >= WINDOW_STEPS) {
        from = this.points[k];
        break;
      }
    }
    if (step < SLOW_START_STEPS) {
      if (this.limit === SLOW_START_RATE) return null;
      this.limit = SLOW_START_RATE;
      return this.limit;
    }
    if (!from) return null;
    const risePerStep = (recovery - from.recovery) / (step - from.step);
    // While the climb speeds up, the next steps rise faster than the last ones did: hold back more.
    const accelerating = risePerStep > this.lastRise * 1.1;
    this.lastRise = risePerStep;
    let next = 0;
    if (risePerStep > 0) {
      const steps = RISE_PER_SECOND / risePerStep / (accelerating ? ACCELERATING_MARGIN : 1);
      next = steps >= UNLIMITED_FROM ? 0 : Math.max(SLOWEST, Math.round(steps));
    }
    const changed = next === 0 ? this.limit !== 0 : this.limit === 0 || Math.abs(next - this.limit) / this.limit > 0.15;
    if (!changed) return null;
    this.limit = next;
    return next;
  }
}
