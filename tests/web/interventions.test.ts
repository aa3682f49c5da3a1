// Interventions and the out-of-distribution probe through the WebAssembly module, as the page
// uses them: ablating the first-layer head of a trained induction run sends the loss up, and
// restoring it while paused gives the same loss back; the probe beats the uniform guess.
import { beforeAll, describe, expect, it } from 'vitest';

import type { Engine } from '../../web/engine/load';
import { loadTestEngine } from './helpers/engine';

let engine: Engine;
beforeAll(async () => {
  engine = await loadTestEngine({ simd: true });
  engine.configure({ graph: 'chain', S: 5, T: 20, heads: [1, 1], optimizer: 'adam', lr: 0.05, batch: 64, seed: 0 });
  engine.step(600);
});

describe('interventions through the module', () => {
  it('ablating layer-1 head 1 sends the loss up; restoring it brings the same loss back', () => {
    const trained = engine.metrics();
    expect(trained.parent_recovery[0][0]).toBeGreaterThan(0.9);
    engine.intervene('ablate=1:1');
    const ablated = engine.metrics();
    expect(ablated.test_loss).toBeGreaterThan(trained.test_loss + 0.2);
    engine.intervene('restore=1:1');
    expect(engine.metrics().test_loss).toBe(trained.test_loss);
    expect(engine.interventions().map((event) => event.action)).toEqual(['ablate 1:1 zero', 'restore 1:1']);
    expect(engine.interventions()[0].step).toBe(600);
  });

  it('refuses a bad intervention by name and changes nothing', () => {
    const before = engine.metrics().test_loss;
    expect(() => engine.intervene('ablate=3:1')).toThrow(/layer must be in \[1, 2\]/);
    expect(() => engine.intervene('melt=1:1')).toThrow(/unknown action/);
    expect(() => engine.intervene('freeze=A9')).toThrow(/freeze/);
    expect(engine.metrics().test_loss).toBe(before);
  });
});

describe('the out-of-distribution probe', () => {
  it('a trained chain model is far closer than uniform to a deterministic cycle it never saw', () => {
    const result = engine.probe('cycle', 0.1, 500, 0);
    expect(result.sequences).toBe(500);
    expect(result.error.uniform).toBeCloseTo(0.8, 9);
    expect(result.error.model).toBeLessThan(0.4);
    expect(Number.isFinite(result.error.counts)).toBe(true);
    expect(result.example.model.length).toBe(5);
    expect(result.law.length).toBe(25);
  });

  it('takes a drawn matrix and refuses one whose rows do not sum to 1', () => {
    const sticky: number[][] = Array.from({ length: 5 }, (_, r) => Array.from({ length: 5 }, (_, c) => (r === c ? 0.6 : 0.1)));
    expect(engine.probe(sticky, 0.1, 50, 1).sequences).toBe(50);
    sticky[2][2] = 0.9;
    expect(() => engine.probe(sticky, 0.1, 50, 1)).toThrow(/pi row 2 must sum to 1/);
    expect(() => engine.probe('spiral' as 'cycle', 0.1, 50, 1)).toThrow(/law must be one of cycle\|sticky\|random/);
  });
});
