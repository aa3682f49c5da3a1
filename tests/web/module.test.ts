// The WebAssembly module in Node, through web/engine/load.ts: the paper's results, error
// messages at the boundary, snapshot shapes, and the fallback build agreeing with the SIMD one.
// Needs `npm run build:wasm` (npm test runs it).
import { beforeAll, describe, expect, it } from 'vitest';

import { Engine, loadModule, type CpgModule, type EngineConfig } from '../../web/engine/load';
import { presetSettings, toEngineConfig } from '../../web/settings';
import { loadTestModule } from './helpers/engine';

const chainPreset: EngineConfig = {
  graph: 'chain', S: 10, T: 20, alpha: 0.1, heads: [1, 1], optimizer: 'adam', lr: 0.05, batch: 256, seed: 1,
};
const twoHeadPreset: EngineConfig = {
  graph: 'trigram', S: 5, T: 20, alpha: 0.1, heads: [2, 1], optimizer: 'adam', lr: 0.05, init_std: 0.01, batch: 256, seed: 1,
};

const loadVariant = (simd: boolean): Promise<CpgModule> => loadTestModule({ simd });

let simdModule: CpgModule;
beforeAll(async () => {
  simdModule = await loadVariant(true);
});

function withEngine(module: () => CpgModule, simd: boolean, run: (engine: Engine) => void): () => void {
  return () => {
    const engine = new Engine(module(), simd);
    try {
      run(engine);
    } finally {
      engine.dispose();
    }
  };
}

// Trains in chunks until `done` holds or `limit` steps have run; returns the last metrics.
function trainUntil(engine: Engine, limit: number, done: (m: ReturnType<Engine['metrics']>) => boolean) {
  let metrics = engine.metrics();
  while (engine.currentStep() < limit && !done(metrics)) {
    expect(engine.step(100)).toBe(100);
    metrics = engine.metrics();
  }
  return metrics;
}

describe('the SIMD module', () => {
  it('learns the chain: parent recovery reaches 0.9 within 1000 steps', withEngine(() => simdModule, true, (engine) => {
    engine.configure(chainPreset);
    const metrics = trainUntil(engine, 1000, (m) => m.parent_recovery[0][0] >= 0.9);
    expect(metrics.diverged).toBe(false);
    expect(metrics.parent_recovery[0][0]).toBeGreaterThanOrEqual(0.9);
    expect(metrics.test_loss).toBeLessThan(metrics.one_parent_loss + 0.2);
  }));

  it("trains the standard transformer (the page's preset): its data view finds the parent", withEngine(() => simdModule, true, (engine) => {
    engine.configure(toEngineConfig(presetSettings('standard')));
    const shape = engine.shape();
    expect(shape.model).toBe('standard');
    expect(shape.attention_view).toBe('data');
    expect(shape.widths).toEqual([30, 30, 30]);
    const metrics = trainUntil(engine, 800, (m) => m.parent_recovery[0][0] >= 0.8);
    expect(metrics.diverged).toBe(false);
    expect(metrics.parent_recovery_view).toBe('data');
    expect(metrics.parent_recovery_batch_view).toBe('data');
    expect(metrics.parent_recovery[0][0]).toBeGreaterThanOrEqual(0.8);
    expect(metrics.parent_recovery).toEqual(metrics.parent_recovery_batch);
    // No position block: the "parameter view" of the standard model is its data view.
    expect(Array.from(engine.attentionParameterView(0))).toEqual(Array.from(engine.attentionBatchView(0, 0)));
  }));

  it('labels the CatFormer recovery as the parameter view', withEngine(() => simdModule, true, (engine) => {
    engine.configure({ ...chainPreset, mlp: 'on', mlp_width: 16 });
    expect(engine.shape()).toMatchObject({ model: 'catformer', mlp: true, attention_view: 'parameter', widths: [30, 120, 480] });
    expect(engine.step(5)).toBe(5);
    expect(engine.metrics().parent_recovery_view).toBe('parameter');
  }));

  it('splits the trigram between two heads: each takes a different parent, at least 0.6', withEngine(() => simdModule, true, (engine) => {
    engine.configure(twoHeadPreset);
    expect(engine.step(1000)).toBe(1000);
    const recovery = engine.metrics().parent_recovery;
    expect(recovery).toHaveLength(2);
    const best = recovery.map((slots) => slots.indexOf(Math.max(...slots)));
    expect(best[0]).not.toBe(best[1]);
    recovery.forEach((slots, head) => expect(slots[best[head]]).toBeGreaterThanOrEqual(0.6));
  }));

  describe('invalid configs throw Errors naming the field, and the previous run goes on', () => {
    const cases: [string, EngineConfig | Record<string, unknown>, RegExp][] = [
      ['S too small', { S: 1 }, /^S must be in \[2, 64\] \(got 1\)/],
      ['negative lr', { lr: -1 }, /^lr must be in \(0, 10000\]/],
      ['too many heads', { heads: [1, 9] }, /^heads\b.*\[1, 4\]/],
      ['unknown graph', { graph: 'nope' }, /^graph must be one of chain\|icl\|tree\|dag\|trigram\|ngram\|paper2\|custom \(got 'nope'\)/],
      ['S not a number', { S: 'abc' }, /^S must be a number \(allowed: \[2, 64\]; got 'abc'\)/],
      ['S not an integer', { S: 2.5 }, /^S must be an integer/],
      ['custom graph, bad spec', { graph: 'custom', T: 4, spec: '-;0;x;-' }, /^spec\b/],
      ['custom graph, no spec', { graph: 'custom' }, /^spec is required/],
      ['misspelt field', { learning_rate: 0.1 }, /^config has no field 'learning_rate'/],
      ['heads not an array', { heads: { layers: 2 } }, /^heads must be an array.*got an object/],
      ['seed out of range', { seed: -1 }, /^seed must be in \[0, 4294967295\]/],
      // Integers are checked as doubles before they are narrowed: none of these wraps into range.
      ['S beyond an int', { S: 4294967298 }, /^S must be in \[2, 64\] \(got 4294967298\)/],
      ['seed beyond uint32', { seed: 4294967297 }, /^seed must be in \[0, 4294967295\] \(got 4294967297\)/],
      ['heads beyond an int', { heads: [4294967297] }, /^heads: layer 1 has 4294967297 heads; allowed range is \[1, 4\]/],
      ['heads beyond an int, as text', { heads: '1,4294967297' }, /^heads: layer 2 has 4294967297 heads/],
      ['freeze an unknown block', { freeze: ['A3'] }, /^freeze\b/],
    ];

    it.each(cases)('%s', (_name, config, message) => withEngine(() => simdModule, true, (engine) => {
      engine.configure(chainPreset);
      engine.step(5);
      let thrown: unknown;
      try {
        engine.configure(config as EngineConfig);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(Error);
      expect((thrown as Error).message).toMatch(message);
      // The previous run is intact and keeps training.
      expect(engine.config()).toMatchObject({ graph: 'chain', S: 10, heads: [1, 1], lr: 0.05 });
      expect(engine.currentStep()).toBe(5);
      expect(engine.step(20)).toBe(20);
      const metrics = engine.metrics();
      expect(metrics.step).toBe(25);
      expect(metrics.test_loss).toBeLessThan(metrics.uniform_loss);
    })());

    it('update and reset check their values too', withEngine(() => simdModule, true, (engine) => {
      expect(() => engine.update({ lr: -1 })).toThrow(/^lr must be in \(0, 10000\]/);
      expect(() => engine.update({ S: 12 })).toThrow(/^S cannot change during a run \(live: lr, freeze\)/);
      expect(() => engine.update({ lr: 0.02, T: 10 })).toThrow(/^T cannot change/);
      expect(engine.config()).toMatchObject({ S: 10, T: 20 });
      expect(() => engine.reset(-1)).toThrow(/^seed must be an integer in \[0, 4294967295\]/);
      expect(() => engine.reset(1.5)).toThrow(/^seed/);
      engine.update({ lr: 0.01 });
      expect(engine.metrics().lr).toBeCloseTo(0.01, 12);
      engine.reset(7);
      expect(engine.config().seed).toBe(7);
      expect(engine.currentStep()).toBe(0);
    }));

    it('a wrong layer or head index is a RangeError', withEngine(() => simdModule, true, (engine) => {
      expect(() => engine.parametersA(2, 0)).toThrow(RangeError);
      expect(() => engine.attentionBatchView(0, 1)).toThrow(/head must be in \[0, 0\]/);
      expect(() => engine.attentionParameterView(-1)).toThrow(RangeError);
      expect(engine.step(3)).toBe(3);
    }));
  });

  it('keeps the C++ defaults for missing keys', withEngine(() => simdModule, true, (engine) => {
    engine.configure({ S: 6 });
    expect(engine.config()).toEqual({ ...engine.defaultConfig(), S: 6 });
    expect(engine.defaultConfig()).toMatchObject({ graph: 'chain', S: 10, T: 20, heads: [1, 1], optimizer: 'adam', batch: 256 });
    expect(engine.fieldRanges().map((row) => row.field)).toContain('test_size');
  }));

  it('returns snapshots with the documented shapes', withEngine(() => simdModule, true, (engine) => {
    engine.configure({ ...chainPreset, batch: 32, test_size: 64 });
    const { S, T, heads, widths } = engine.shape();
    expect({ S, T, heads, widths }).toEqual({ S: 10, T: 20, heads: [1, 1], widths: [30, 60, 120] });
    engine.step(30);
    const metrics = engine.metrics();
    expect(metrics.parent_recovery).toHaveLength(1);
    expect(metrics.parent_recovery_batch[0]).toHaveLength(1);

    const parameterView = engine.attentionParameterView(0);
    expect(parameterView).toBeInstanceOf(Float64Array);
    expect(parameterView).toHaveLength(T * T);
    for (let i = 0; i < T; ++i) {
      const row = parameterView.subarray(i * T, (i + 1) * T);
      expect(row.slice(0, i + 1).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(row.slice(i + 1).every((x) => x === 0)).toBe(true);
    }
    const firstLayer = engine.attentionBatchView(0, 0);
    expect(firstLayer).toHaveLength(T * T);
    expect(firstLayer.subarray(T, 2 * T).slice(0, 2).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const lastLayer = engine.attentionBatchView(1, 0);
    expect(lastLayer.subarray(0, (T - 1) * T).every((x) => x === 0)).toBe(true);
    expect(lastLayer.subarray((T - 1) * T).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);

    expect(engine.parametersA(0, 0)).toBeInstanceOf(Float32Array);
    expect(engine.parametersA(0, 0)).toHaveLength(30 * 30);
    expect(engine.parametersA(1, 0)).toHaveLength(60 * 60);
    expect(engine.parametersW()).toHaveLength(120 * 10);

    const history = engine.trainLossHistory(0);
    expect(Array.from(history.steps)).toEqual(Array.from({ length: 30 }, (_, k) => k));
    expect(history.loss).toHaveLength(30);
    engine.step(5);
    const increment = engine.trainLossHistory(30);
    expect(Array.from(increment.steps)).toEqual([30, 31, 32, 33, 34]);
    expect(engine.testLossHistory(0).steps[0]).toBe(30);

    // Copies that JS owns: transferring one leaves the engine's next copy intact.
    const W = engine.parametersW();
    structuredClone(W.buffer, { transfer: [W.buffer] });
    expect(engine.parametersW()).toHaveLength(120 * 10);

    expect(engine.graph()).toEqual({
      name: 'chain', T: 20, multi_parent: false,
      parents: [[], ...Array.from({ length: T - 2 }, (_, i) => [i]), []],
      spec: engine.graph().spec,
    });
    const samples = engine.sample(3, 9);
    expect(samples.tokens).toBeInstanceOf(Int32Array);
    expect(samples.tokens).toHaveLength(3 * T);
    expect(samples.targets).toHaveLength(3 * S);
    expect(samples.tokens.every((s) => s >= 0 && s < S)).toBe(true);
  }));

  it('reports divergence as a status, not a crash', withEngine(() => simdModule, true, (engine) => {
    engine.configure({ ...chainPreset, optimizer: 'sgd', lr: 10000, batch: 16, test_size: 16 });
    const done = engine.step(200);
    expect(done).toBeLessThan(200);
    const metrics = engine.metrics();
    expect(metrics.diverged).toBe(true);
    expect(metrics.status).toMatch(/diverged/);
    engine.configure(chainPreset);
    expect(engine.step(2)).toBe(2);
  }));
});

describe('loading', () => {
  it('rejects a broken .wasm with an Error, and wasmBinary without simd', async () => {
    const broken = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 9]);
    await expect(loadModule({ simd: true, wasmBinary: broken })).rejects.toThrow(/loading the SIMD WebAssembly engine failed/);
    await expect(loadModule({ wasmBinary: broken })).rejects.toThrow(/pass `simd`/);
  });
});

describe('the fallback module (no SIMD)', () => {
  let fallbackModule: CpgModule;
  beforeAll(async () => {
    fallbackModule = await loadVariant(false);
  });

  it('trains like the SIMD module, to about 1e-4', () => {
    const config: EngineConfig = { ...chainPreset, batch: 64, test_size: 256 };
    const run = (module: CpgModule, simd: boolean) => {
      const engine = new Engine(module, simd);
      try {
        engine.configure(config);
        const trajectory = [];
        for (let chunk = 0; chunk < 6; ++chunk) {
          engine.step(50);
          trajectory.push(engine.metrics());
        }
        return trajectory;
      } finally {
        engine.dispose();
      }
    };
    const simd = run(simdModule, true);
    const fallback = run(fallbackModule, false);
    fallback.forEach((metrics, k) => {
      expect(metrics.step).toBe(simd[k].step);
      expect(Math.abs(metrics.test_loss - simd[k].test_loss)).toBeLessThanOrEqual(1e-4 * simd[k].test_loss);
      expect(Math.abs(metrics.train_loss - simd[k].train_loss)).toBeLessThanOrEqual(1e-4 * simd[k].train_loss);
      expect(Math.abs(metrics.parent_recovery[0][0] - simd[k].parent_recovery[0][0])).toBeLessThanOrEqual(1e-4);
      expect(metrics.bayes_loss).toBe(simd[k].bayes_loss);
    });
  });
});
