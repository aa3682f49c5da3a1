// The auto pace (web/views/pace.ts): the chain preset's climb of parent recovery from 0.3 to
// 0.9 stretched over seconds, slow climbs left at full speed.
import { describe, expect, it } from 'vitest';

import { AutoPace, SLOW_START_RATE, SLOW_START_STEPS, SLOWEST } from '../../web/views/pace';

// The chain preset's parent recovery every 5 steps (cpg train --graph chain, the preset's settings).
const CHAIN = [0.142, 0.139, 0.141, 0.153, 0.172, 0.194, 0.223, 0.258, 0.304, 0.367, 0.442, 0.534, 0.641, 0.744,
  0.821, 0.87, 0.9, 0.919, 0.93, 0.935, 0.94, 0.946, 0.948, 0.95, 0.951, 0.952, 0.954, 0.955, 0.956, 0.957, 0.958];
const chain = (step: number) => {
  const k = Math.min(CHAIN.length - 1.001, step / 5);
  const i = Math.floor(k);
  return CHAIN[i] + (CHAIN[i + 1] - CHAIN[i]) * (k - i);
};

/** Plays a run at `fullSpeed` steps/s with an evaluation every 150 ms; returns when each recovery was first reached (s). */
function play(recovery: (step: number) => number, fullSpeed: number, seconds: number, pace: AutoPace | null) {
  let limit = pace ? pace.current : 0;  // the page sends the pace's limit with the run's configure
  let step = 0;
  const reached = new Map<number, number>();
  pace?.observe(0, recovery(0)); // the run's first snapshot is evaluated before Play
  for (let t = 0; t < seconds; t += 0.15) {
    const rate = limit > 0 ? Math.min(limit, fullSpeed) : fullSpeed;
    step += rate * 0.15;
    const r = recovery(Math.floor(step));
    for (const level of [0.3, 0.9]) if (r >= level && !reached.has(level)) reached.set(level, t);
    const next = pace?.observe(Math.floor(step), r);
    if (next !== null && next !== undefined) limit = next;
  }
  return { reached, step, limit };
}

describe('AutoPace', () => {
  it('stretches the chain preset’s rise from 0.3 to 0.9 over at least 2.5 s and still reaches 0.9 within 15 s', () => {
    const free = play(chain, 200, 20, null);
    expect(free.reached.get(0.9)! - free.reached.get(0.3)!).toBeLessThan(0.5);
    const paced = play(chain, 200, 20, new AutoPace());
    const rise = paced.reached.get(0.9)! - paced.reached.get(0.3)!;
    expect(rise).toBeGreaterThanOrEqual(2.5);
    expect(paced.reached.get(0.9)!).toBeLessThan(15);
    expect(paced.limit).toBe(0); // full speed again once recovery levels off
  });

  it('does the same on a machine four times faster, where one evaluation spans 120 steps', () => {
    const paced = play(chain, 800, 20, new AutoPace());
    expect(paced.reached.get(0.9)! - paced.reached.get(0.3)!).toBeGreaterThanOrEqual(2.5);
    expect(paced.reached.get(0.9)!).toBeLessThan(15);
  });

  it('after its slow start, leaves a slow climb at full speed and never goes below its slowest pace', () => {
    const slow = play((step) => Math.min(0.9, 0.1 + 0.0003 * step), 200, 20, new AutoPace());
    expect(slow.limit).toBe(0);
    // 120 steps in 8 s, then about 200 steps a second.
    expect(slow.step).toBeGreaterThan(SLOW_START_STEPS + 0.9 * 200 * (20 - SLOW_START_STEPS / SLOW_START_RATE));
    const pace = new AutoPace();
    pace.observe(200, 0);
    expect(pace.observe(210, 1)).toBe(SLOWEST);
  });

  it('holds every run’s first steps at the slow start, whatever the rise', () => {
    const pace = new AutoPace();
    expect(pace.current).toBe(SLOW_START_RATE);
    pace.observe(0, 0.1);
    expect(pace.observe(50, 0.1)).toBeNull();
    expect(pace.observe(100, 0.9)).toBeNull();
    expect(pace.current).toBe(SLOW_START_RATE);
  });

  it('starts over when the steps go back (a new run)', () => {
    const pace = new AutoPace();
    pace.observe(200, 0.1);
    expect(pace.observe(210, 0.5)).toBeGreaterThan(0);
    expect(pace.observe(205, 0.1)).toBeNull();
    pace.reset();
    expect(pace.current).toBe(SLOW_START_RATE);
  });
});
