// The worker's logic (web/worker/host.ts) driven directly, with the real engine: its messages
// land in a list, and `send` waits until the request is answered.
import { loadModule, Engine } from '../../../web/engine/load';
import { TrainingHost } from '../../../web/worker/host';
import type { Reply, Request, Snapshot, UnnumberedRequest } from '../../../web/worker/protocol';
import { readTestWasm } from './engine';

let wasmBinary: Uint8Array | null = null;

export async function hostHarness() {
  wasmBinary ??= await readTestWasm({ simd: true });
  const bytes = wasmBinary;
  const replies: Reply[] = [];
  const host = new TrainingHost({ postMessage: (message) => replies.push(message) }, async () => {
    const { module } = await loadModule({ simd: true, wasmBinary: bytes });
    return new Engine(module, true);
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
  return { host, send, replies, lastSnapshot, until };
}
