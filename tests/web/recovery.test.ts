// Every failure path recovers (issue 9, the page): the step budget, words for a broken engine,
// a client that survives a dead worker, the run guard (fallback, bursts, restarts), collapsed
// and clipped messages, and series that stay bounded on any run length.
import { beforeAll, describe, expect, it } from 'vitest';

import { TrainingClient, type WorkerLike } from '../../web/client';
import { Engine, loadModule } from '../../web/engine/load';
import { clip, collapseNotices, describeStartFailure, refusedFields, RunGuard } from '../../web/run-guard';
import { parseSettings } from '../../web/settings';
import { budgetError, CALL_BUDGET_MS, modelWidths } from '../../web/common/step-cost';
import { Columns, SERIES_CAPACITY } from '../../web/views/loss-chart-data';
import { describeError, isFatal, TrainingHost } from '../../web/worker/host';
import type { Reply, Request } from '../../web/worker/protocol';
import { PRESETS, presetSettings, toEngineConfig, type Settings } from '../../web/settings';
import { readTestWasm } from './helpers/engine';

let wasmBinary: Uint8Array;
beforeAll(async () => {
  wasmBinary = await readTestWasm({ simd: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Worker stand-in running the real host and engine; it can crash on demand. */
class Harness implements WorkerLike {
  readonly host: TrainingHost;
  readonly requests: Request[] = [];
  readonly replies: Reply[] = [];
  private messageListeners: ((event: MessageEvent<Reply>) => void)[] = [];
  private errorListeners: ((event: ErrorEvent) => void)[] = [];
  terminated = false;

  constructor(options: { failLoad?: boolean } = {}) {
    this.host = new TrainingHost(
      {
        postMessage: (message) => {
          this.replies.push(message);
          setTimeout(() => this.messageListeners.forEach((listener) => listener({ data: structuredClone(message) } as MessageEvent<Reply>)));
        },
      },
      async (simd) => {
        if (options.failLoad) throw new Error('loading the SIMD WebAssembly engine failed: CompileError: WebAssembly.Module(): expected magic word');
        const { module } = await loadModule({ simd: simd ?? true, wasmBinary });
        return new Engine(module, simd ?? true);
      },
    );
  }
  postMessage(message: unknown): void {
    const copy = structuredClone(message) as Request;
    this.requests.push(copy);
    setTimeout(() => void this.host.handle(copy));
  }
  addEventListener(type: 'message' | 'error', listener: never): void {
    if (type === 'message') this.messageListeners.push(listener);
    else this.errorListeners.push(listener);
  }
  terminate(): void {
    this.terminated = true;
  }
  /** The worker dies as an uncaught error would kill it. */
  crash(message = 'Uncaught RuntimeError: unreachable'): void {
    for (const listener of this.errorListeners) listener({ message, preventDefault() {} } as unknown as ErrorEvent);
  }
  configures(): number {
    return this.requests.filter((request) => request.type === 'configure').length;
  }
}

const DEFAULTS = presetSettings('induction');
const small = (settings: Partial<Settings>): Settings => ({ ...DEFAULTS, ...settings });

describe('the step budget (web/common/step-cost.ts)', () => {
  it('computes the engine’s widths', async () => {
    const { module } = await loadModule({ simd: true, wasmBinary });
    const engine = new Engine(module, true);
    for (const [S, T, heads] of [[10, 20, [1, 1]], [64, 64, [4, 4, 1]], [5, 8, [2, 1]], [3, 12, [3, 2, 1, 1]]] as const) {
      engine.configure({ S, T, heads: [...heads], graph: 'chain' });
      expect(modelWidths(S, T, heads)).toEqual(engine.shape().widths);
    }
  });

  it('accepts every preset and refuses the models that block for seconds, naming fields and budget', () => {
    for (const name of Object.keys(PRESETS) as (keyof typeof PRESETS)[]) {
      const config = toEngineConfig(presetSettings(name)) as Required<{ S: number; T: number; heads: number[]; batch: number; test_size: number }>;
      expect(budgetError(config), name).toBeNull();
    }
    const huge = budgetError({ S: 64, T: 64, heads: [4, 4, 1], batch: 8192, test_size: 512 });
    expect(huge).toMatch(/S=64, T=64, heads=4,4,1 is too large/);
    expect(huge).toMatch(new RegExp(`${CALL_BUDGET_MS} ms`));
    const bigBatch = budgetError({ S: 64, T: 64, heads: [1, 1], batch: 8192, test_size: 512 });
    expect(bigBatch).toMatch(/^batch=8192 .*lower batch to at most \d+/);
    const largest = Number(/at most (\d+)/.exec(bigBatch ?? '')?.[1]);
    expect(budgetError({ S: 64, T: 64, heads: [1, 1], batch: largest, test_size: 512 })).toBeNull();
    expect(budgetError({ S: 64, T: 64, heads: [1, 1], batch: largest + 1, test_size: 512 })).not.toBeNull();
    // The pause-latency browser test's model is allowed, one batch more is not.
    expect(budgetError({ S: 64, T: 64, heads: [2, 1], batch: 42, test_size: 512 })).toBeNull();
    expect(budgetError({ S: 64, T: 64, heads: [2, 1], batch: 43, test_size: 512 })).not.toBeNull();
    expect(budgetError({ S: 64, T: 64, heads: [2, 2], batch: 1, test_size: 512 })).toMatch(/evaluating the test set/);
  });

  it('the worker refuses an over-budget configure by name and keeps the previous run', async () => {
    const client = new TrainingClient(new Harness());
    await client.init(true);
    const first = await client.configure(toEngineConfig(DEFAULTS));
    await expect(client.configure({ ...toEngineConfig(DEFAULTS), S: 64, T: 64, heads: [1, 1], batch: 8192 })).rejects.toThrow(/batch=8192.*100 ms/);
    // Out of the table's range: the engine's message, not a cost.
    await expect(client.configure({ ...toEngineConfig(DEFAULTS), S: 1000, batch: 8192 })).rejects.toThrow(/^S=1000 is out of range|^S must be|S.*\[2, 64\]/);
    const after = await client.pause();
    expect(after.runId).toBe(first.runId);
    expect(after.config?.batch).toBe(DEFAULTS.batch);
  });

  it('answers Pause before the evaluation that follows it', async () => {
    const harness = new Harness();
    const client = new TrainingClient(harness);
    await client.init(true);
    await client.configure(toEngineConfig(DEFAULTS));
    await client.play();
    await sleep(100);
    const from = harness.replies.length;
    await client.pause();
    const after = harness.replies.slice(from);
    const answer = after.findIndex((reply) => reply.type === 'status' && reply.id !== undefined && reply.state === 'paused');
    const pausedSnapshot = after.findIndex((reply) => reply.type === 'snapshot' && reply.snapshot.state === 'paused');
    expect(answer).toBeGreaterThanOrEqual(0);
    expect(pausedSnapshot === -1 || answer < pausedSnapshot).toBe(true);
  });
});

describe('a broken engine in words', () => {
  it('never says [object WebAssembly.Exception] or a bare number', () => {
    const trap = new WebAssembly.RuntimeError('unreachable');
    expect(describeError(trap)).toMatch(/engine crashed/);
    expect(isFatal(trap)).toBe(true);
    expect(describeError(12345)).toMatch(/engine failed/);
    expect(isFatal(12345)).toBe(true);
    const Exception = (WebAssembly as unknown as { Exception?: new (tag: unknown, payload: unknown[]) => unknown; Tag?: new (type: { parameters: string[] }) => unknown }).Exception;
    const Tag = (WebAssembly as unknown as { Tag?: new (type: { parameters: string[] }) => unknown }).Tag;
    if (Exception && Tag) {
      const exception = new Exception(new Tag({ parameters: ['i32'] }), [1]);
      expect(describeError(exception)).not.toMatch(/\[object/);
      expect(isFatal(exception)).toBe(true);
    }
    expect(describeError({})).not.toMatch(/\[object/);
    expect(isFatal(new Error('k must be in [1, 3]'))).toBe(false);
    expect(describeStartFailure(new Error('CompileError: WebAssembly.Module(): expected magic word'))).not.toMatch(/CompileError/);
  });

  it('a fatal reply rejects what waits and emits fatal; replaceWorker carries on with the same listeners', async () => {
    const first = new Harness();
    const client = new TrainingClient(first);
    await client.init(true);
    const fatal: string[] = [];
    client.on('fatal', (error) => fatal.push(error.message));
    const statuses: number[] = [];
    client.on('status', (status) => statuses.push(status.runId));
    first.crash();
    expect(fatal).toEqual(['the training worker failed: RuntimeError: unreachable']);
    const second = new Harness();
    client.replaceWorker(second);
    expect(first.terminated).toBe(true);
    await client.init(true);
    await client.configure(toEngineConfig(DEFAULTS));
    expect(statuses.length).toBeGreaterThan(0);
  });
});

describe('the run guard (web/run-guard.ts)', () => {
  const guardOf = (harnesses: Harness[], events: string[] = []) => {
    const client = new TrainingClient(harnesses[0]);
    let made = 0;
    const guard = new RunGuard<Settings>({
      client,
      createWorker: () => {
        made++;
        const harness = new Harness();
        harnesses.push(harness);
        return harness;
      },
      toConfig: toEngineConfig,
      speed: () => 0,
      onCrash: (text) => events.push(`crash: ${text}`),
      onRestarted: (good) => events.push(`restarted: ${good?.preset}`),
      onStartFailed: (text) => events.push(`failed: ${text}`),
    });
    return { client, guard, made: () => made };
  };

  it('a refused start falls back to the default and reports the refused value', async () => {
    const { client, guard } = guardOf([new Harness()]);
    const refused = small({ graph: 'ngram', k: 4, T: 4 });
    const started = await guard.start(refused, DEFAULTS);
    expect(started.refused).toMatch(/^k must be in/);
    expect(started.settings).toBe(DEFAULTS);
    expect(guard.good).toBe(DEFAULTS);
    expect(client.lastStatus?.config?.graph).toBe('chain');
    // Later: a valid change runs, a refused one keeps the previous run.
    expect((await guard.configure(small({ S: 12 }))).ok).toBe(true);
    const bad = await guard.configure(small({ S: 64, T: 64, heads: [4, 4, 4, 4] }));
    expect(bad.ok).toBe(false);
    expect(guard.good?.S).toBe(12);
  });

  it('a preset picked while the engine loads wins over the link', async () => {
    const { client, guard } = guardOf([new Harness()]);
    let settings = DEFAULTS;
    const starting = guard.start(() => settings, DEFAULTS);
    settings = presetSettings('trigram');
    const picked = guard.configure(settings);
    await Promise.all([starting, picked]);
    await sleep(20);
    expect(client.lastStatus?.config?.graph).toBe('trigram');
  });

  it('a burst of ten resets skips the superseded ones and keeps playing', async () => {
    const harness = new Harness();
    const { client, guard } = guardOf([harness]);
    await guard.start(DEFAULTS, DEFAULTS);
    await client.play();
    const before = harness.configures();
    // Ten clicks 5 ms apart, as separate tasks (as a visitor's clicks are).
    const clicks: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      clicks.push(guard.configure(DEFAULTS));
      await sleep(5);
    }
    const outcomes = (await Promise.all(clicks)) as { ok: unknown }[];
    // Those whose turn came after a newer click were skipped; each other one configured once.
    const ran = outcomes.filter((o) => o.ok === true).length;
    expect(harness.configures() - before).toBe(ran);
    expect(ran).toBeGreaterThanOrEqual(1);
    expect(outcomes.every((o) => o.ok === true || o.ok === 'superseded')).toBe(true);
    await sleep(50);
    // The page's view (the last status) is the worker's state: still playing.
    expect(client.lastStatus?.state).toBe('playing');
    expect((harness.host as unknown as { state: string }).state).toBe('playing');
    await client.pause();
  });

  it('a dead worker is replaced and the page told, with the last good settings to resume', async () => {
    const harnesses = [new Harness()];
    const events: string[] = [];
    const { client, guard, made } = guardOf(harnesses, events);
    await guard.start(DEFAULTS, DEFAULTS);
    harnesses[0].crash();
    await sleep(300);
    expect(made()).toBe(1);
    expect(harnesses[0].terminated).toBe(true);
    expect(events[0]).toMatch(/^crash: The training engine stopped: the training worker failed: RuntimeError: unreachable/);
    expect(events[1]).toBe('restarted: induction');
    expect((await guard.configure(guard.good as Settings)).ok).toBe(true);
    expect(client.lastStatus?.step).toBe(0);
  });

  it('a worker script that does not load is left to start, which can be retried', async () => {
    const first = new Harness();
    const events: string[] = [];
    const { guard, made } = guardOf([first], events);
    const starting = guard.start(DEFAULTS, DEFAULTS);
    first.crash('');
    await expect(starting).rejects.toThrow(/could not start/);
    expect(made()).toBe(0);
    expect(events).toEqual([]);
    expect((await guard.retryStart(DEFAULTS, DEFAULTS)).refused).toBeNull();
    expect(made()).toBe(1);
  });

  it('a failed load is retried with a new worker', async () => {
    const { guard } = guardOf([new Harness({ failLoad: true })]);
    await expect(guard.start(DEFAULTS, DEFAULTS)).rejects.toThrow(/CompileError/);
    const started = await guard.retryStart(DEFAULTS, DEFAULTS);
    expect(started.refused).toBeNull();
  });
});

describe('floods and echoes', () => {
  it('hundreds of unknown keys collapse into one notice; long values are clipped', () => {
    const search = Array.from({ length: 500 }, (_, i) => `junk${i}=${'v'.repeat(50)}`).join('&');
    const notices = collapseNotices(parseSettings(search).notices);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^500 keys in the link are not settings/);
    expect(notices[0].length).toBeLessThanOrEqual(600);
    // A few stray keys still get their own notice.
    expect(collapseNotices(parseSettings('a=1&b=2').notices)).toHaveLength(2);
    expect(clip('x'.repeat(10_000)).length).toBe(300);
  });

  it('names the field a refusal is about', () => {
    const keys = ['graph', 'S', 'T', 'k', 'spec', 'heads', 'batch', 'lr'];
    expect(refusedFields('k must be in [1, 3] for T = 4 (got 4)', keys)).toEqual(['k']);
    expect(refusedFields('model too large: S=64, T=64 and these heads need 1071783936 parameters', keys)).toEqual(['heads']);
    expect(refusedFields('batch=8192 with S=64, T=64, heads=1,1: one training step would take', keys)).toEqual(['batch']);
    expect(refusedFields('S=64, T=64, heads=4,4,1 is too large for the page', keys)).toEqual(['heads']);
  });
});

describe('bounded series', () => {
  it('a loss series keeps at most its capacity on any run length, spanning the whole run', () => {
    const columns = new Columns(SERIES_CAPACITY);
    let thinned = 0;
    for (let step = 0; step < 200_000; step++) if (columns.push(step, step % 2 === 0 ? 1 : 3)) thinned++;
    expect(columns.length).toBeLessThanOrEqual(SERIES_CAPACITY);
    expect(thinned).toBeGreaterThan(0);
    expect(columns.steps[columns.length - 1]).toBe(199_999);
    expect(columns.steps.length).toBeLessThanOrEqual(SERIES_CAPACITY);
    // Merged points are means: the level of the curve stays (1 and 3 alternate: mean 2).
    expect(columns.values[10]).toBeCloseTo(2);
  });
});

