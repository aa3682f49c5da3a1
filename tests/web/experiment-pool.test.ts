// The experiment pool (web/experiment-pool.ts) driving experiment hosts (web/worker/experiment-host.ts)
// with the real WebAssembly engine. A harness stands in for each Worker: messages pass
// asynchronously through structuredClone, and terminate() stops its host answering.
import { beforeAll, describe, expect, it } from 'vitest';

import { loadModule, Engine } from '../../web/engine/load';
import { ExperimentPool, eta, poolSize, type Fig9Progress, type PoolWorker } from '../../web/experiment-pool';
import { ExperimentHost } from '../../web/worker/experiment-host';
import type { ExperimentEngine } from '../../web/worker/experiments';
import type { Fig9Result, Fig9Setup, PoolReply, PoolRequest } from '../../web/worker/protocol';
import { loadTestEngine, readTestWasm } from './helpers/engine';

let wasmBinary: Uint8Array;
let setup: Fig9Setup;
beforeAll(async () => {
  wasmBinary = await readTestWasm({ simd: true });
  // A tiny budget: 5 graphs of 60 steps each, the fast recipe's optimizer and schedule.
  setup = (await loadTestEngine()).fig9Setup({ settings: { graphs: 5 }, recipe: { steps: 60 } });
});

type EngineWrap = (engine: Engine) => ExperimentEngine & Pick<Engine, 'simd'>;

class HarnessWorker implements PoolWorker {
  readonly host: ExperimentHost;
  private readonly listeners: ((event: MessageEvent<PoolReply>) => void)[] = [];
  terminated = false;
  readonly received: PoolRequest['type'][] = [];

  constructor(wrap: EngineWrap = (engine) => engine) {
    this.host = new ExperimentHost(
      {
        postMessage: (message) => {
          if (this.terminated) return;
          const copy = structuredClone(message);
          setTimeout(() => !this.terminated && this.listeners.forEach((listener) => listener({ data: copy } as MessageEvent<PoolReply>)));
        },
      },
      async () => wrap(new Engine((await loadModule({ simd: true, wasmBinary })).module, true)),
    );
  }
  postMessage(message: PoolRequest): void {
    const copy = structuredClone(message);
    this.received.push(copy.type);
    setTimeout(() => !this.terminated && void this.host.handle(copy));
  }
  addEventListener(type: 'message' | 'error', listener: never): void {
    if (type === 'message') this.listeners.push(listener);
  }
  terminate(): void {
    this.terminated = true;
  }
}

function pool(size: number, makeWorker: (n: number) => HarnessWorker = () => new HarnessWorker(), helperIdleMs?: number) {
  const workers: HarnessWorker[] = [];
  const experiments = new ExperimentPool({
    size,
    helperIdleMs,
    createWorker: () => {
      const worker = makeWorker(workers.length);
      workers.push(worker);
      return worker;
    },
    cancelGraceMs: 5000,
  });
  return { experiments, workers };
}

/** The figure without its wall time (the only field that may differ between two runs). */
const withoutTime = ({ seconds: _seconds, ...rest }: Fig9Result) => rest;

describe('the experiment pool', () => {
  it('uses every core but one, at least one and at most eight', () => {
    expect([undefined, 1, 2, 4, 16, 64].map(poolSize)).toEqual([1, 1, 1, 3, 8, 8]);
  });

  it('the ETA gives the queued graphs to the workers free first', () => {
    // 2 workers at 10 steps/s together (5 each), 100-step graphs: in flight at 50 and 0 steps,
    // one queued: the first worker frees at 10 s and takes it (30 s); the second ends at 20 s.
    expect(eta([50, 0], 1, 100, 2, 10)).toBeCloseTo(30, 10);
    expect(eta([], 0, 100, 3, 10)).toBe(0);
  });

  it('spreads Figure 9 over three workers with the same figure as one worker, drawing each graph as it finishes', async () => {
    const one = pool(1);
    const single = await one.experiments.runFig9(setup);
    expect(one.workers).toHaveLength(1);

    const three = pool(3);
    const partials: number[] = [];
    const progress: Fig9Progress[] = [];
    const spread = await three.experiments.runFig9(setup, {
      onGraph: (partial) => partials.push(partial.per_graph.length),
      onProgress: (p) => progress.push(p),
    });
    expect(three.workers).toHaveLength(3);
    // Every worker trained some graph, and all are stopped afterwards (their memory goes too).
    for (const worker of three.workers) expect(worker.received).toContain('fig9Graph');
    expect(three.workers.every((worker) => worker.terminated)).toBe(true);
    expect(three.experiments.running).toBeNull();

    expect(spread.cancelled).toBe(false);
    expect(spread.per_graph).toHaveLength(5);
    expect(withoutTime(spread)).toEqual(withoutTime(single));
    expect(partials).toEqual([1, 2, 3, 4, 5]);
    expect(progress.at(-1)).toMatchObject({ graphs: 5, graphsDone: 5, steps: 300, totalSteps: 300, fraction: 1, workers: 3 });
    expect(progress.every((p) => p.fraction >= 0 && p.fraction <= 1)).toBe(true);
  });

  it('cancel stops every worker and keeps the graphs finished so far', async () => {
    const long = { ...setup, settings: { ...setup.settings, graphs: 6 }, recipe: { ...setup.recipe, steps: 100_000 } };
    const { experiments, workers } = pool(2);
    let started = 0;
    const run = experiments.runFig9(long, {
      onProgress: (p) => {
        if (p.steps > 0) started++;
      },
    });
    while (started < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(experiments.runFig9(long)).rejects.toThrow(/still running: cancel it first/);
    experiments.cancel();
    const result = await run;
    expect(result.cancelled).toBe(true);
    expect(result.per_graph).toHaveLength(0);
    expect(workers.every((worker) => worker.received.includes('cancel') && worker.terminated)).toBe(true);
    // The pool takes the next experiment.
    expect((await experiments.runFig9({ ...setup, settings: { ...setup.settings, graphs: 1 } })).per_graph).toHaveLength(1);
  });

  it('a failure in one worker stops the others and names the worker and the graph', async () => {
    // The second worker's engine breaks on its first graph (graph 2: the workers take graphs 1, 2, … in turn).
    const breaking: EngineWrap = (engine) =>
      Object.assign(Object.create(engine) as Engine, {
        simd: engine.simd,
        fig9GraphRun: () => {
          throw new Error('out of memory (simulated)');
        },
      });
    const { experiments, workers } = pool(2, (n) => new HarnessWorker(n === 1 ? breaking : undefined));
    await expect(experiments.runFig9(setup)).rejects.toThrow(/^experiment worker 2 failed on graph 2: out of memory \(simulated\)/);
    expect(workers.every((worker) => worker.terminated)).toBe(true);
    expect(experiments.running).toBeNull();
    // The next run starts afresh.
    const next = pool(1);
    expect((await next.experiments.runFig9({ ...setup, settings: { ...setup.settings, graphs: 1 } })).per_graph).toHaveLength(1);
  });

  it('a worker that crashes (its error event) fails the run with its message', async () => {
    class Crashing extends HarnessWorker {
      private errorListeners: ((event: ErrorEvent) => void)[] = [];
      override addEventListener(type: 'message' | 'error', listener: never): void {
        if (type === 'error') this.errorListeners.push(listener);
        else super.addEventListener(type, listener);
      }
      override postMessage(message: PoolRequest): void {
        if (message.type === 'fig9Graph') {
          setTimeout(() => this.errorListeners.forEach((listener) => listener({ message: 'Uncaught RuntimeError: unreachable' } as ErrorEvent)));
          return;
        }
        super.postMessage(message);
      }
    }
    const { experiments } = pool(2, (n) => (n === 0 ? new Crashing() : new HarnessWorker()));
    await expect(experiments.runFig9(setup)).rejects.toThrow(/^experiment worker 1 failed on graph 1: RuntimeError: unreachable/);
    expect(experiments.running).toBeNull();
  });

  it("the key lemma's view and the recipes: on a helper worker, kept for the next call, beside a running experiment; the same numbers as the engine", async () => {
    const { experiments, workers } = pool(2);
    const config = { graph: 'tree', S: 5, T: 12, alpha: 0.5, graph_seed: 1, seed: 0 };
    let steps = 0;
    const run = experiments.runSingle('paper2', (p) => (steps = p.steps));
    while (steps === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const view = await experiments.lemma(config, { batch: 2048 });
    expect(experiments.running).toBe('paper2');  // the experiment was not stopped, nor refused the lemma
    const direct = (await loadTestEngine()).lemmaView(config, { batch: 2048 });
    expect(view.parent_hits).toBe(direct.parent_hits);
    expect(Array.from(view.gradient)).toEqual(Array.from(direct.gradient));
    await experiments.lemma({ ...config, alpha: 0.1 }, { batch: 2048 });
    const recipes = await experiments.recipes();
    expect(recipes.fig9.recipe).toMatchObject({ name: 'fast', optimizer: 'sgd', lr: 4, batch: 64, steps: 8000 });
    expect(recipes.fig9Paper.recipe).toMatchObject({ name: 'paper', optimizer: 'sgd', lr: 1, schedule: 'constant', batch: 1024, steps: 16384 });
    expect(recipes.fig9.recipe.steps).toBe((await loadTestEngine()).fig9Setup().recipe.steps);
    const lemmaWorkers = workers.filter((worker) => worker.received.includes('lemma'));
    expect(lemmaWorkers).toHaveLength(1);
    expect(lemmaWorkers[0].received.filter((type) => type === 'lemma')).toHaveLength(2);
    expect(lemmaWorkers[0].received).toContain('recipes');
    expect(lemmaWorkers[0].received).not.toContain('run');
    experiments.cancel();
    await run;
    // A refused config comes back as an error naming the field.
    await expect(experiments.lemma({ ...config, alpha: -1 })).rejects.toThrow(/alpha/);
    await expect(experiments.lemma(config, { beta: -1 })).rejects.toThrow(/beta/);
  });

  it('the helper worker goes, with its memory, once idle; the next call starts another that gives the same view', async () => {
    const { experiments, workers } = pool(1, undefined, 100);
    const config = { graph: 'chain', S: 4, T: 10, alpha: 0.5, graph_seed: 2, seed: 0 };
    const first = await experiments.lemma(config, { batch: 512 });
    expect(experiments.helperAlive).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await experiments.lemma(config, { batch: 512 });  // an answer re-arms the idle timer
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(experiments.helperAlive).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(experiments.helperAlive).toBe(false);
    expect(workers.map((worker) => worker.terminated)).toEqual([true]);
    const again = await experiments.lemma(config, { batch: 512 });
    expect(workers).toHaveLength(2);
    expect(Array.from(again.gradient)).toEqual(Array.from(first.gradient));
  });

  it('runs the two-parent figure on one worker and cancels it with a partial result', async () => {
    const { experiments, workers } = pool(4);
    let steps = 0;
    const run = experiments.runSingle('paper2', (p) => (steps = p.steps));
    while (steps === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    experiments.cancel();
    const result = await run;
    expect(workers).toHaveLength(1);
    expect(result.cancelled).toBe(true);
    expect(workers[0].terminated).toBe(true);
  });
});
