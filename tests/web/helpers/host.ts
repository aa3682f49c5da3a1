// The worker's logic (web/worker/host.ts) driven directly, with the real engine: its messages
// land in a list, and `send` waits until the request is answered.
import { type Engine, type ModuleKind } from '../../../web/engine/load';
import { TrainingHost } from '../../../web/worker/host';
import type { Reply, Request, Snapshot, UnnumberedRequest } from '../../../web/worker/protocol';
import { loadTestEngine } from './engine';

/**
 * `loads` records the modules the host asked for, in order; `failFull` makes loading the full
 * module fail (as a lost connection would).
 */
export async function hostHarness(options: { failFull?: boolean } = {}) {
  const replies: Reply[] = [];
  const loads: ModuleKind[] = [];
  const host = new TrainingHost({ postMessage: (message) => replies.push(message) }, async (_simd, kind): Promise<Engine> => {
    loads.push(kind);
    if (kind === 'full' && options.failFull) throw new Error('loading the SIMD WebAssembly engine failed: network error');
    return loadTestEngine({ simd: true, kind });
  });
  let id = 0;
  /** The replies to one request (and whatever else the host posted meanwhile). */
  const send = async (request: UnnumberedRequest) => {
    const from = replies.length;
    await host.handle({ ...request, id: ++id } as Request);
    return replies.slice(from);
  };
  const lastSnapshot = (): Snapshot => {
    const snapshots = replies.filter((reply) => reply.type === 'snapshot');
    return (snapshots.at(-1) as { snapshot: Snapshot }).snapshot;
  };
  /** Polls `done` every 5 ms; throws after `timeoutMs`. */
  const until = async (done: () => boolean, timeoutMs = 30_000) => {
    const start = Date.now();
    while (!done()) {
      if (Date.now() - start > timeoutMs) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { host, send, replies, lastSnapshot, until, loads };
}
