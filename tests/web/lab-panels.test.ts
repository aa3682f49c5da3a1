// The lab's DOM-free parts: the comparison's link format, the replay of interventions that sets
// the toggles, the probe grid's checks, and the bounded, aligned loss curves.
import { describe, expect, it } from 'vitest';

import { alignCurves, ThinnedCurve } from '../../web/lab/compare-chart';
import { formatVary, MAX_RUNS, parseVary, runsThatKeepUp, VARIABLE_KEYS } from '../../web/lab/compare';
import { ablatedHeads } from '../../web/lab/interventions-panel';
import { namedLaw, readGrid } from '../../web/lab/probe-panel';

describe('the comparison link', () => {
  it('reads and writes vary=KEY:values, heads separated by ";"', () => {
    expect(parseVary('seed:1,2,3')).toEqual({ key: 'seed', values: ['1', '2', '3'] });
    expect(parseVary('heads:1,1;2,1')).toEqual({ key: 'heads', values: ['1,1', '2,1'] });
    expect(formatVary('heads', ['1,1', '2,1'])).toBe('heads:1,1;2,1');
    expect(formatVary('seed', ['4'])).toBe('seed:4');
  });

  it('refuses unknown keys, the graph itself, no values and too many runs, by name', () => {
    expect(parseVary('colour:1')).toEqual({ error: expect.stringMatching(/"colour" is not a setting/) });
    expect(parseVary('graph:chain')).toEqual({ error: expect.stringMatching(/not a setting a comparison can vary/) });
    expect(parseVary('seed:')).toEqual({ error: expect.stringMatching(/at least one value/) });
    expect(parseVary('seed:1,2,3,4')).toEqual({ error: expect.stringMatching(new RegExp(`at most ${MAX_RUNS - 1} values`)) });
    expect(VARIABLE_KEYS).toContain('lr');
    expect(VARIABLE_KEYS).not.toContain('speed');
  });

  it('keeps one core for the page', () => {
    expect(runsThatKeepUp(2)).toBe(1);
    expect(runsThatKeepUp(8)).toBe(4);
    expect(runsThatKeepUp(NaN)).toBe(1);
  });
});

describe('the intervention toggles', () => {
  it('follow the engine’s log: ablate, re-ablate with another mode, restore', () => {
    const log = [
      { step: 10, action: 'ablate 1:1 zero' },
      { step: 12, action: 'ablate 2:1 uniform' },
      { step: 15, action: 'freeze A1' },
      { step: 20, action: 'restore 1:1' },
    ];
    expect([...ablatedHeads(log)]).toEqual([['2:1', 'uniform']]);
    expect([...ablatedHeads(log.slice(0, 2))]).toEqual([['1:1', 'zero'], ['2:1', 'uniform']]);
  });
});

describe('the probe grid', () => {
  it('builds the named laws row-stochastic', () => {
    for (const name of ['cycle', 'sticky'] as const) {
      for (const row of namedLaw(name, 4)) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    expect(namedLaw('cycle', 3)[2]).toEqual([1, 0, 0]);
  });

  it('names the first bad cell or row', () => {
    expect(readGrid([['0.5', '0.5'], ['1', '0']])).toEqual({ rows: [[0.5, 0.5], [1, 0]] });
    expect(readGrid([['0.5', 'x'], ['1', '0']])).toEqual({ error: expect.stringMatching(/pi~\[0\]\[1\] must be a number >= 0/) });
    expect(readGrid([['0.5', '0.5'], ['-1', '2']])).toEqual({ error: expect.stringMatching(/pi~\[1\]\[0\]/) });
    expect(readGrid([['0.5', '0.4'], ['1', '0']])).toEqual({ error: expect.stringMatching(/row 0 must sum to 1 \(got 0.9\)/) });
  });
});

describe('the comparison chart’s curves', () => {
  it('stay bounded on a long run and keep the last point', () => {
    const curve = new ThinnedCurve();
    for (let step = 0; step < 100_000; step += 7) curve.push(step, 1 / (1 + step));
    expect(curve.steps.length).toBeLessThanOrEqual(400);
    expect(curve.steps.at(-1)).toBe(99_995);
  });

  it('align on the union of steps, null where a run has none', () => {
    const a = new ThinnedCurve(), b = new ThinnedCurve();
    a.push(0, 2); a.push(10, 1);
    b.push(5, 1.5); b.push(10, 0.9);
    expect(alignCurves([a, b])).toEqual([[0, 5, 10], [2, null, 1], [null, 1.5, 0.9]]);
  });
});
