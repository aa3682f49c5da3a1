// The worker says when a new run starts: every snapshot and status carries the run's id, which
// changes exactly on a successful configure and on a reset, and a new run is announced by a
// status before its first snapshot. Drives web/worker/host.ts directly with the real engine.
import { describe, expect, it } from 'vitest';

import type { Reply, UnnumberedRequest } from '../../web/worker/protocol';
import { hostHarness } from './helpers/host';

const chain = { graph: 'chain', S: 5, T: 8, alpha: 0.1, heads: [1, 1], optimizer: 'adam', lr: 0.05, batch: 16, seed: 1, test_size: 32 };

const runIds = (replies: Reply[]) =>
  replies.flatMap((reply) => (reply.type === 'snapshot' ? [reply.snapshot.runId] : reply.type === 'status' ? [reply.runId] : []));

describe('the start of a run', () => {
  it('changes the run id exactly on configure and reset', async () => {
    const { send } = await hostHarness();
    expect(new Set(runIds(await send({ type: 'init', simd: true })))).toEqual(new Set([0]));

    const configured = await send({ type: 'configure', config: chain });
    expect(new Set(runIds(configured))).toEqual(new Set([1]));

    for (const request of [
      { type: 'step', n: 3 },
      { type: 'pause' },
      { type: 'resample' },
      { type: 'setSpeed', stepsPerSecond: 10 },
      { type: 'step', n: 2 },
    ] as UnnumberedRequest[]) {
      const replies = await send(request);
      expect(replies.length, request.type).toBeGreaterThan(0);
      expect(new Set(runIds(replies)), request.type).toEqual(new Set([1]));
    }

    expect(new Set(runIds(await send({ type: 'reset' })))).toEqual(new Set([2]));
    expect(new Set(runIds(await send({ type: 'configure', config: { ...chain, S: 6 } })))).toEqual(new Set([3]));
  });

  it('keeps the run when a configure is refused', async () => {
    const { send } = await hostHarness();
    await send({ type: 'init', simd: true });
    await send({ type: 'configure', config: chain });
    const refused = await send({ type: 'configure', config: { ...chain, S: 1 } });
    expect(refused.map((reply) => reply.type)).toEqual(['error']);
    expect(new Set(runIds(await send({ type: 'step', n: 1 })))).toEqual(new Set([1]));
  });

  it('announces a new run with its graph before its first snapshot, which starts at step 0', async () => {
    const { send } = await hostHarness();
    await send({ type: 'init', simd: true });
    await send({ type: 'configure', config: chain });
    await send({ type: 'step', n: 4 });
    for (const request of [{ type: 'reset' }, { type: 'configure', config: { ...chain, graph: 'trigram' } }] as UnnumberedRequest[]) {
      const replies = await send(request);
      const first = replies.findIndex((reply) => reply.type === 'snapshot');
      expect(first, request.type).toBeGreaterThan(0);
      const announce = replies[first - 1];
      if (announce.type !== 'status') throw new Error(`${request.type}: a ${announce.type} came before the first snapshot`);
      const snapshot = replies[first];
      if (snapshot.type !== 'snapshot') throw new Error('unreachable');
      expect(announce.runId).toBe(snapshot.snapshot.runId);
      expect(announce.graph?.name).toBe(request.type === 'reset' ? 'chain' : 'trigram');
      expect(snapshot.snapshot.step).toBe(0);
      expect(snapshot.snapshot.lossSteps).toHaveLength(0);
      // Nothing of the run before it: no snapshot or status of the old run follows the announcement.
      expect(new Set(runIds(replies.slice(first - 1))).size).toBe(1);
    }
  });
});
