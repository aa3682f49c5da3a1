// An experiment worker's logic, apart from the worker global so tests can drive it directly.
//
// The page runs the paper's experiments on a pool of these (web/experiment-pool.ts), each with
// an engine of its own: the training worker keeps the live run. A host runs one job at a time
// (requests queue in arrival order); `cancel` is handled at once and stops the job in progress
// at its next chunk of steps. Every other request is answered exactly once (protocol.ts).
import type { Engine } from '../engine/load';
import { experimentRecipes, FIG8_RECIPE, PAPER2_RECIPE, runFig8, runFig9Graph, runPaper2, type ExperimentEngine } from './experiments';
import { describeError } from './host';
import type { PoolReply, PoolRequest } from './protocol';

export interface PoolPort {
  postMessage(message: PoolReply): void;
}

/** Shortest time between two progress messages of a job. */
const PROGRESS_MS = 200;

const defaultYield = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class ExperimentHost {
  private engine: ExperimentEngine | null = null;
  private simd = true;
  /** Requests received so far, and how many of them the last cancel stops (those received before it). */
  private received = 0;
  private cancelledBefore = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly port: PoolPort,
    private readonly loadEngine: (simd?: boolean) => Promise<ExperimentEngine & Pick<Engine, 'simd'>>,
    private readonly yieldToEvents: () => Promise<void> = defaultYield,
  ) {}

  /** Handles one request; never throws (failures become `error` replies carrying the request's id). */
  handle(request: PoolRequest): Promise<void> {
    if (request.type === 'cancel') {
      this.cancelledBefore = this.received;
      return Promise.resolve();
    }
    // A cancel stops the jobs sent before it (running or queued), not the ones sent after it.
    const number = ++this.received;
    this.queue = this.queue.then(async () => {
      try {
        await this.dispatch(request, () => number <= this.cancelledBefore);
      } catch (error) {
        this.port.postMessage({ type: 'error', id: request.id, message: describeError(error) });
      }
    });
    return this.queue;
  }

  private async dispatch(request: Exclude<PoolRequest, { type: 'cancel' }>, cancelled: () => boolean): Promise<void> {
    if (request.type === 'init') {
      if (!this.engine) {
        const engine = await this.loadEngine(request.simd);
        this.engine = engine;
        this.simd = engine.simd;
      }
      return this.port.postMessage({ type: 'ready', id: request.id, simd: this.simd });
    }
    const engine = this.engine;
    if (!engine) throw new Error('the experiment engine is not loaded yet: send init first');
    const { id } = request;
    let lastProgress = -Infinity;
    const progress = (steps: number, planned: number) => {
      const now = performance.now();
      if (now - lastProgress < PROGRESS_MS && steps < planned) return;
      lastProgress = now;
      this.port.postMessage({ type: 'jobProgress', id, steps, planned });
    };
    const control = { cancelled, yieldToEvents: this.yieldToEvents };
    switch (request.type) {
      case 'fig9Graph': {
        const graph = await runFig9Graph(engine, request.setup, request.index, { ...control, onSteps: progress });
        return this.port.postMessage({ type: 'fig9Graph', id, index: request.index, graph });
      }
      case 'fig9Summary': {
        const result = engine.summarizeFig9(request.setup, request.graphs, request.cancelled, request.seconds);
        return this.port.postMessage({ type: 'fig9Summary', id, result });
      }
      case 'run': {
        const recipe = request.experiment === 'fig8' ? FIG8_RECIPE : request.experiment === 'paper2' ? PAPER2_RECIPE : null;
        if (!recipe) throw new Error(`experiment must be paper2 or fig8 (got ${JSON.stringify(request.experiment)})`);
        const steps = recipe.steps;
        const runControl = { ...control, onProgress: ({ fraction }: { fraction: number }) => progress(Math.round(fraction * steps), steps) };
        const result = request.experiment === 'fig8' ? await runFig8(engine, FIG8_RECIPE, runControl) : await runPaper2(engine, PAPER2_RECIPE, runControl);
        return this.port.postMessage({ type: 'ran', id, result });
      }
      case 'lemma':
        return this.port.postMessage({ type: 'lemma', id, view: engine.lemmaView(request.config, request.settings) });
      case 'recipes':
        return this.port.postMessage({ type: 'recipes', id, recipes: experimentRecipes(engine) });
      default: {
        const unknown = request as { type?: unknown };
        throw new Error(`unknown request type ${JSON.stringify(unknown.type)}`);
      }
    }
  }
}
