// The worker's instrument requests, through the real host and engine: run to an exact step,
// intervene while paused (a fresh snapshot with re-evaluated metrics follows at once), and the
// out-of-distribution probe.
import { describe, expect, it } from 'vitest';

import type { Reply, Snapshot } from '../../web/worker/protocol';
import { hostHarness } from './helpers/host';

const chain = { graph: 'chain', S: 5, T: 20, heads: [1, 1], optimizer: 'adam', lr: 0.05, batch: 64, seed: 0 };

describe('the lab requests', () => {
  it('runTo stops exactly at the step asked for, and refuses a step behind the run', async () => {
    const { send, replies, lastSnapshot, until } = await hostHarness();
    await send({ type: 'init' });
    await send({ type: 'configure', config: chain });
    await send({ type: 'runTo', step: 137 });
    await until(() => replies.some((reply) => reply.type === 'status' && reply.state === 'paused' && reply.step === 137));
    expect(lastSnapshot().step).toBe(137);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lastSnapshot().step).toBe(137);  // and stays there
    const behind = await send({ type: 'runTo', step: 100 });
    expect(behind.at(-1)).toMatchObject({ type: 'error', message: expect.stringMatching(/behind the run \(at step 137\)/) });
  });

  it('ablating while paused re-evaluates at once; the snapshot lists the intervention', async () => {
    const { send, lastSnapshot, replies, until } = await hostHarness();
    await send({ type: 'init' });
    await send({ type: 'configure', config: chain });
    await send({ type: 'runTo', step: 600 });
    await until(() => replies.some((reply) => reply.type === 'status' && reply.state === 'paused' && reply.step === 600));
    const trained = lastSnapshot().metrics.test_loss;
    const answer = await send({ type: 'intervene', action: 'ablate=1:1' });
    const snapshot = (answer.find((reply) => reply.type === 'snapshot') as { snapshot: Snapshot }).snapshot;
    expect(snapshot.metrics.test_loss).toBeGreaterThan(trained + 0.2);
    expect(snapshot.interventions).toEqual([{ step: 600, action: 'ablate 1:1 zero' }]);
    await send({ type: 'intervene', action: 'restore=1:1' });
    expect(lastSnapshot().metrics.test_loss).toBe(trained);
    const bad = await send({ type: 'intervene', action: 'ablate=9:9' });
    expect(bad.at(-1)).toMatchObject({ type: 'error', message: expect.stringMatching(/layer must be in \[1, 2\]/) });

    const probe = await send({ type: 'probe', law: 'cycle', lawAlpha: 0.1, sequences: 300, seed: 0 });
    const reply = probe.at(-1) as Extract<Reply, { type: 'probe' }>;
    expect(reply.type).toBe('probe');
    expect(reply.result.error.model).toBeLessThan(reply.result.error.uniform / 2);
  });
});
