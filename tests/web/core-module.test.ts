// The first visit's core module (cmake/wasm.cmake): it trains the CatFormer exactly as the full
// module does, says clearly what it leaves out, and the training worker moves a run to the full
// module when the run needs it, keeping the previous run when that load fails.
import { describe, expect, it } from 'vitest';

import type { Reply } from '../../web/worker/protocol';
import { loadTestEngine } from './helpers/engine';
import { hostHarness } from './helpers/host';

const chain = { graph: 'chain', S: 5, T: 8, alpha: 0.1, heads: [1, 1], optimizer: 'adam', lr: 0.05, batch: 32, seed: 3, test_size: 64 };
const errors = (replies: Reply[]) => replies.flatMap((reply) => (reply.type === 'error' ? [reply.message] : []));

describe('the core module', () => {
  it.each([true, false])('trains the chain to the same numbers as the full module (SIMD %s)', async (simd) => {
    const [core, full] = await Promise.all([loadTestEngine({ simd, kind: 'core' }), loadTestEngine({ simd, kind: 'full' })]);
    expect([core.kind, full.kind]).toEqual(['core', 'full']);
    for (const engine of [core, full]) {
      engine.configure(chain);
      engine.step(40);
    }
    const [a, b] = [core.metrics(), full.metrics()];
    expect(a.test_loss).toBeLessThan(a.unigram_loss);  // it learned something...
    expect(a.test_loss).toBe(b.test_loss);                   // ...and exactly what the full module learned
    expect(a.parent_recovery).toEqual(b.parent_recovery);
    expect(Array.from(core.parametersW())).toEqual(Array.from(full.parametersW()));
    core.dispose();
    full.dispose();
  });

  it('refuses the models it leaves out, saying where they are, and keeps its run', async () => {
    const core = await loadTestEngine({ kind: 'core' });
    core.configure(chain);
    core.step(2);
    expect(() => core.configure({ ...chain, model: 'standard' })).toThrow(/model=standard .*full module/);
    expect(() => core.configure({ ...chain, mlp: 'on' })).toThrow(/mlp=on .*full module/);
    expect(() => core.configure({ ...chain, heads: [1, 1, 1] })).toThrow(/3 layers is not in this build.*full module/);
    expect(() => core.lemmaView(chain)).toThrow(/lemmaView is in the full engine module/);
    expect(() => core.fig9Setup()).toThrow(/fig9Setup is in the full engine module/);
    expect(core.currentStep()).toBe(2);
    expect(core.config().model).toBe('catformer');
    core.dispose();
  });
});

describe('the training worker and the two modules', () => {
  it('starts on the core module and moves the run to the full module for the standard model', async () => {
    const { send, lastSnapshot, loads } = await hostHarness();
    await send({ type: 'init', simd: true });
    expect(loads).toEqual(['core']);
    expect(errors(await send({ type: 'configure', config: chain }))).toEqual([]);
    await send({ type: 'step', n: 5 });
    expect(loads).toEqual(['core']);  // a CatFormer run needs nothing more

    expect(errors(await send({ type: 'configure', config: { ...chain, model: 'standard', lr: 0.01 } }))).toEqual([]);
    expect(loads).toEqual(['core', 'full']);
    await send({ type: 'step', n: 5 });
    const snapshot = lastSnapshot();
    expect(snapshot.metrics.parent_recovery_view).toBe('data');  // the standard model's view
    expect(snapshot.step).toBe(5);

    // Back to the CatFormer: the full module trains it too, nothing is loaded again.
    expect(errors(await send({ type: 'configure', config: chain }))).toEqual([]);
    await send({ type: 'step', n: 1 });
    expect(lastSnapshot().metrics.parent_recovery_view).toBe('parameter');
    expect(loads).toEqual(['core', 'full']);
  });

  it('moves a run of three layers to the full module, which trains it', async () => {
    const { send, lastSnapshot, loads } = await hostHarness();
    await send({ type: 'init', simd: true });
    expect(errors(await send({ type: 'configure', config: { ...chain, heads: '1,1,1' } }))).toEqual([]);
    expect(loads).toEqual(['core', 'full']);
    await send({ type: 'step', n: 3 });
    expect(lastSnapshot().step).toBe(3);
    expect(Number.isFinite(lastSnapshot().metrics.test_loss)).toBe(true);
  });

  it('keeps the previous run, and says why, when the full module does not load; a later try loads it', async () => {
    const harness = await hostHarness({ failFull: true });
    await harness.send({ type: 'init', simd: true });
    await harness.send({ type: 'configure', config: chain });
    await harness.send({ type: 'step', n: 4 });
    const refused = errors(await harness.send({ type: 'configure', config: { ...chain, model: 'standard' } }));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/loading the SIMD WebAssembly engine failed/);
    await harness.send({ type: 'step', n: 1 });
    expect(harness.lastSnapshot().metrics.parent_recovery_view).toBe('parameter');
    expect(harness.lastSnapshot().step).toBe(5);
    expect(harness.loads).toEqual(['core', 'full']);
    // Not remembered as failed: the next request tries again.
    expect(errors(await harness.send({ type: 'configure', config: { ...chain, model: 'standard' } }))).toHaveLength(1);
    expect(harness.loads).toEqual(['core', 'full', 'full']);
  });
});
