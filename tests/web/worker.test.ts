// The worker protocol, through the real worker code (web/worker/host.ts) and the real client
// (web/client.ts), with the real WebAssembly engine. A harness stands in for the Worker: it
// passes messages asynchronously through structuredClone, transferring what the host transfers.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { TrainingClient, type WorkerLike } from '../../web/client';
import { loadModule, Engine } from '../../web/engine/load';
import { TrainingHost } from '../../web/worker/host';
import type { Reply, Snapshot, Status } from '../../web/worker/protocol';
import { readTestWasm } from './helpers/engine';

const chainPreset = { graph: 'chain', S: 10, T: 20, alpha: 0.1, heads: [1, 1], optimizer: 'adam', lr: 0.05, batch: 64, seed: 1, test_size: 256 };

let wasmBinary: Uint8Array;
beforeAll(async () => {
  wasmBinary = await readTestWasm({ simd: true });
});

class HarnessWorker implements WorkerLike {
  readonly host: TrainingHost;
  readonly transferred: ArrayBuffer[] = [];
  private messageListeners: ((event: MessageEvent<Reply>) => void)[] = [];
  terminated = false;

  constructor() {
    this.host = new TrainingHost(
      {
        postMessage: (message, transfer = []) => {
          const copy = structuredClone(message, { transfer: transfer as ArrayBuffer[] });
          this.transferred.push(...(transfer as ArrayBuffer[]));
          setTimeout(() => this.messageListeners.forEach((listener) => listener({ data: copy } as MessageEvent<Reply>)));
        },
      },
      async (simd) => {
        const { module } = await loadModule({ simd: simd ?? true, wasmBinary });
        return new Engine(module, simd ?? true);
      },
    );
  }
  postMessage(message: unknown): void {
    const copy = structuredClone(message) as Parameters<TrainingHost['handle']>[0];
    setTimeout(() => void this.host.handle(copy));
  }
  addEventListener(type: 'message' | 'error', listener: never): void {
    if (type === 'message') this.messageListeners.push(listener);
  }
  terminate(): void {
    this.terminated = true;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function nextSnapshot(client: TrainingClient, predicate: (s: Snapshot) => boolean, timeoutMs = 20000): Promise<Snapshot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching snapshot in time')), timeoutMs);
    const off = client.on('snapshot', (snapshot) => {
      if (!predicate(snapshot)) return;
      clearTimeout(timer);
      off();
      resolve(snapshot);
    });
  });
}

function nextStatus(client: TrainingClient, predicate: (s: Status) => boolean, timeoutMs = 20000): Promise<Status> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching status in time')), timeoutMs);
    const off = client.on('status', (status) => {
      if (!predicate(status)) return;
      clearTimeout(timer);
      off();
      resolve(status);
    });
  });
}

describe('worker protocol', () => {
  let client: TrainingClient;
  afterEach(async () => {
    await client?.pause().catch(() => undefined);
  });

  async function ready(): Promise<TrainingClient> {
    client = new TrainingClient(new HarnessWorker());
    const status = await client.init(true);
    expect(status.simd).toBe(true);
    await client.configure(chainPreset);
    return client;
  }

  it('answers requests before init with an error', async () => {
    client = new TrainingClient(new HarnessWorker());
    await expect(client.step(1)).rejects.toThrow(/init first/);
  });

  it('steps, and sends snapshots with the right shapes, transferring their arrays', async () => {
    await ready();
    const worker = (client as unknown as { worker: HarnessWorker }).worker;
    const snapshotPromise = nextSnapshot(client, (s) => s.step === 5);
    const status = await client.step(5);
    expect(status.step).toBe(5);
    expect(status.state).toBe('paused');
    const snapshot = await snapshotPromise;
    const T = 20;
    expect(snapshot.T).toBe(T);
    expect(snapshot.attentionParameterView).toHaveLength(1);
    expect(snapshot.attentionParameterView[0]).toBeInstanceOf(Float64Array);
    expect(snapshot.attentionParameterView[0]).toHaveLength(T * T);
    expect(snapshot.attentionBatchView[0]).toHaveLength(T * T);
    expect(snapshot.queryAttention[0]).toHaveLength(T);
    const querySum = snapshot.queryAttention[0].reduce((a, b) => a + b, 0);
    expect(querySum).toBeCloseTo(1, 6);
    expect(Array.from(snapshot.lossSteps)).toEqual([0, 1, 2, 3, 4]);
    expect(snapshot.losses.every(Number.isFinite)).toBe(true);
    expect(snapshot.metrics.parent_recovery).toHaveLength(1);
    expect(snapshot.sampleTokens).toHaveLength(T);
    expect(snapshot.sampleQueryAttention[0]).toHaveLength(T);
    expect(snapshot.sampleQueryAttention[0].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(snapshot.parameters?.A1[0]).toHaveLength(30 * 30);
    expect(snapshot.parameters?.W).toHaveLength(120 * 10);
    // Transferred, not copied: the host's buffers are detached after posting.
    expect(worker.transferred.length).toBeGreaterThan(0);
    expect(worker.transferred.every((buffer) => buffer.byteLength === 0)).toBe(true);
  });

  it('plays until paused, and a paused run stays put', async () => {
    await ready();
    await client.play();
    await nextSnapshot(client, (s) => s.step >= 20 && s.state === 'playing');
    const paused = await client.pause();
    expect(paused.state).toBe('paused');
    const stepAtPause = paused.step;
    expect(stepAtPause).toBeGreaterThanOrEqual(20);
    await sleep(300);
    const again = await client.step(1);
    expect(again.step).toBe(stepAtPause + 1);
  });

  it('a speed limit slows training down', async () => {
    await ready();
    await client.setSpeed(20);
    await client.play();
    await sleep(1000);
    const status = await client.pause();
    expect(status.step).toBeGreaterThan(5);
    expect(status.step).toBeLessThanOrEqual(30);
    await expect(client.setSpeed(-1)).rejects.toThrow(/stepsPerSecond/);
  });

  it('a bad configure is answered with an error and keeps the previous run', async () => {
    await ready();
    await client.step(3);
    await expect(client.configure({ ...chainPreset, S: 1 })).rejects.toThrow(/S must be in \[2, 64\]/);
    await expect(client.configure({ ...chainPreset, heads: [1, 9] })).rejects.toThrow(/heads/);
    const status = await client.step(2);
    expect(status.step).toBe(5);
    expect(status.config?.S).toBe(10);
  });

  it('resample draws another display sequence without touching training', async () => {
    await ready();
    await client.step(2);
    const first = nextSnapshot(client, () => true);
    await client.resample();
    const tokensA = (await first).sampleTokens.slice();
    const second = nextSnapshot(client, () => true);
    const status = await client.resample();
    const tokensB = (await second).sampleTokens;
    expect(status.step).toBe(2);
    expect(Array.from(tokensB)).not.toEqual(Array.from(tokensA));
  });

  it('reset starts over; update applies the learning rate live and refuses other fields', async () => {
    await ready();
    await client.step(4);
    const reset = await client.reset(9);
    expect(reset.step).toBe(0);
    expect(reset.config?.seed).toBe(9);
    const lr = await client.update({ lr: 0.01 });
    expect(lr.config?.lr).toBeCloseTo(0.01);
    await expect(client.update({ lr: 0 })).rejects.toThrow(/lr/);
    await expect(client.update({ S: 12 })).rejects.toThrow(/^S cannot change during a run \(live: lr, freeze\)/);
    await expect(client.update({ learning_rate: 1 } as never)).rejects.toThrow(/^config has no field 'learning_rate'/);
    expect((await client.step(1)).config?.S).toBe(10);
  });

  it('a diverging run stops with a diverged status and advice, never NaN', async () => {
    await ready();
    await client.configure({ ...chainPreset, optimizer: 'sgd', lr: 1000 });
    const diverged = nextStatus(client, (s) => s.state === 'diverged');
    const snapshot = nextSnapshot(client, (s) => s.metrics.diverged);
    await client.play();
    const status = await diverged;
    expect(status.message).toMatch(/learning rate/);
    const last = await snapshot;
    expect(Number.isFinite(last.metrics.test_loss)).toBe(true);
    expect(last.attentionParameterView[0].every(Number.isFinite)).toBe(true);
    const play = await client.play();
    expect(play.state).toBe('diverged');
  });

  it('an unknown request is answered with an error', async () => {
    await ready();
    const worker = (client as unknown as { worker: HarnessWorker }).worker;
    const reply = new Promise<string>((resolve) => client.on('error', (error) => resolve(error.message)));
    worker.postMessage({ type: 'explode' });
    expect(await reply).toMatch(/unknown request type/);
  });
});
