// The training worker's logic, apart from the worker global so tests can drive it directly.
//
// It owns one engine, answers every request exactly once (status or error, with the request's
// id), and while playing runs training steps in short slices, yielding between them so that a
// `pause` is handled at once. Snapshots go out at most once per animation frame; the costlier
// test-set evaluation at most every `evaluateEveryMs`.
import { needsFullModule, type Engine, type ModuleKind } from '../engine/load';
import { inductionTargets } from '../common/figure-data';
import { ENGINE_FIELDS, LIVE_ENGINE_KEYS, engineField } from '../settings/fields';
import { budgetError, type CostInput } from '../common/step-cost';
import type { Envelope, Metrics, PlayState, Reply, Request, Snapshot } from './protocol';
import { probeMessage, snapshotMessage } from './protocol';

/** What the host needs from the engine: web/engine/load.ts's Engine, or a stand-in in tests. */
export type EngineHandle = Pick<
  Engine,
  | 'simd'
  | 'kind'
  | 'dispose'
  | 'configure'
  | 'config'
  | 'step'
  | 'currentStep'
  | 'metrics'
  | 'graph'
  | 'reset'
  | 'update'
  | 'intervene'
  | 'interventions'
  | 'probe'
  | 'attentionParameterView'
  | 'attentionBatchView'
  | 'trainLossHistory'
  | 'sample'
  | 'sequenceAttention'
  | 'parametersA'
  | 'parametersW'
  | 'shape'
>;

export interface Port {
  postMessage(message: Reply, transfer?: Transferable[]): void;
}

export interface HostOptions {
  sliceMs?: number;          // longest a slice of training may run before yielding
  frameMs?: number;          // shortest time between two snapshots
  evaluateEveryMs?: number;  // shortest time between two test-set evaluations while playing
  now?: () => number;
  yieldToEvents?: () => Promise<void>;
  /** Longest a single engine call may be estimated to take (web/common/step-cost.ts); configs above are refused. */
  callBudgetMs?: number;
}

const defaultYield = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class TrainingHost {
  /** The engine of the run: the core module's at first, the full module's once a run needs it. */
  private engine: EngineHandle | null = null;
  /** The full module's engine, loaded on first need (a run's model the core module lacks). */
  private fullEngine: Promise<EngineHandle> | null = null;
  private runId = 0;
  private state: PlayState = 'idle';
  private stepsPerSecondLimit = 0;
  private measuredStepsPerSecond = 0;
  private loopToken = 0;
  private historySentUpTo = 0;
  private lastMetrics: Metrics | null = null;
  private lastEvaluation = -Infinity;
  private lastSnapshot = -Infinity;
  private sampleSeed = 1;
  private sampleTokens: Int32Array | null = null;
  /** While playing toward a `runTo` target: the step to stop at. */
  private stopAtStep: number | null = null;
  private readonly sliceMs: number;
  private readonly frameMs: number;
  private readonly evaluateEveryMs: number;
  private readonly now: () => number;
  private readonly yieldToEvents: () => Promise<void>;
  private readonly callBudgetMs: number | undefined;

  constructor(
    private readonly port: Port,
    /** Loads one module of the engine (web/engine/load.ts); `simd` undefined: whichever the browser runs. */
    private readonly loadEngine: (simd: boolean | undefined, kind: ModuleKind) => Promise<EngineHandle>,
    options: HostOptions = {},
  ) {
    this.sliceMs = options.sliceMs ?? 8;
    this.frameMs = options.frameMs ?? 16;
    this.evaluateEveryMs = options.evaluateEveryMs ?? 150;
    this.now = options.now ?? (() => performance.now());
    this.yieldToEvents = options.yieldToEvents ?? defaultYield;
    this.callBudgetMs = options.callBudgetMs;
  }

  private queue: Promise<void> = Promise.resolve();

  /**
   * Handles one request; never throws (failures become `error` replies). Requests run one after
   * another in arrival order, so a `play` sent while `init` is still loading the engine waits for it.
   */
  handle(request: Request): Promise<void> {
    this.queue = this.queue.then(async () => {
      try {
        await this.dispatch(request);
      } catch (error) {
        this.port.postMessage({ type: 'error', id: request.id, message: describeError(error), ...(isFatal(error) ? { fatal: true } : {}) });
      }
    });
    return this.queue;
  }

  private async dispatch(request: Request): Promise<void> {
    if (request.type === 'init') {
      if (!this.engine) {
        this.engine = await this.loadEngine(request.simd, 'core');
      }
      this.afterChange();
      return this.reply(request.id, 'engine ready');
    }
    const engine = this.requireEngine();
    switch (request.type) {
      case 'configure': {
        // Refused before touching the engine, so the previous run stays as it was.
        const overBudget = costInput(request.config) && budgetError(costInput(request.config) as CostInput, this.callBudgetMs);
        if (overBudget) throw new Error(overBudget);
        // A model the core module does not have: the run moves to the full module's engine
        // (loaded while the previous run goes on; if the load fails, that run stays).
        const target = needsFullModule(request.config) ? await this.full() : engine;
        const wasPlaying = this.state === 'playing';
        this.stopLoop();
        try {
          target.configure(request.config);
        } catch (error) {
          // The previous run is intact: resume it as it was.
          if (wasPlaying) this.startLoop();
          throw error;
        }
        if (target !== engine) {
          this.engine = target;
          engine.dispose();
        }
        this.state = 'paused';
        this.sampleTokens = null;
        this.startRun();
        this.afterChange();
        return this.reply(request.id, 'configured');
      }
      case 'play':
        this.stopAtStep = null;
        if (this.state !== 'diverged') this.startLoop();
        return this.reply(request.id, this.state === 'diverged' ? this.lastMetrics?.status ?? 'diverged' : 'playing');
      case 'pause':
        this.stopLoop();
        if (this.state === 'playing') this.state = 'paused';
        // Answer first: the evaluation of the snapshot that follows may take a while on a large model.
        this.reply(request.id, 'paused');
        return this.afterChange();
      case 'step': {
        if (!Number.isInteger(request.n) || request.n < 1 || request.n > 100000)
          throw new Error(`n must be an integer in [1, 100000] (got ${request.n})`);
        this.stopLoop();
        if (this.state === 'playing') this.state = 'paused';
        engine.step(request.n);
        this.afterChange();
        return this.reply(request.id, `stepped ${request.n}`);
      }
      case 'runTo': {
        if (!Number.isInteger(request.step) || request.step < 0 || request.step > 100_000_000)
          throw new Error(`step must be an integer in [0, 100000000] (got ${request.step})`);
        const now = engine.currentStep();
        if (request.step < now) throw new Error(`step ${request.step} is behind the run (at step ${now}); reset first`);
        this.stopLoop();
        if (this.state === 'playing') this.state = 'paused';
        if (request.step === now || this.state === 'diverged') {
          this.afterChange();
          return this.reply(request.id, `at step ${now}`);
        }
        this.stopAtStep = request.step;
        this.startLoop();
        return this.reply(request.id, `running to step ${request.step}`);
      }
      case 'intervene': {
        if (typeof request.action !== 'string' || request.action.length > 200)
          throw new Error('action must be a short text such as ablate=1:1');
        engine.intervene(request.action);
        this.afterChange();
        return this.reply(request.id, `applied ${request.action}`);
      }
      case 'probe': {
        const result = engine.probe(request.law, request.lawAlpha, request.sequences, request.seed);
        this.send(probeMessage(request.id, result));
        return;
      }
      case 'reset': {
        this.stopLoop();
        const seed = request.seed ?? engine.config().seed;
        if (!Number.isInteger(seed) || seed < 0 || seed > 4294967295)
          throw new Error(`seed must be an integer in [0, 4294967295] (got ${seed})`);
        engine.reset(seed);
        this.state = 'paused';
        this.startRun();
        this.afterChange();
        return this.reply(request.id, 'reset');
      }
      case 'setSpeed':
        if (!(request.stepsPerSecond >= 0 && request.stepsPerSecond <= 100000))
          throw new Error(`stepsPerSecond must be in [0, 100000] (got ${request.stepsPerSecond})`);
        this.stepsPerSecondLimit = request.stepsPerSecond;
        return this.reply(request.id, 'speed set');
      case 'resample':
        this.sampleSeed++;
        this.sampleTokens = null;
        this.postSnapshot(true);
        return this.reply(request.id, 'new sample');
      case 'update': {
        const names = Object.keys(request.changes ?? {});
        for (const name of names) {
          const field = engineField(name);
          if (!field) throw new Error(`config has no field '${name}'`);
          if (!field.live)
            throw new Error(`${name} cannot change during a run (live: ${LIVE_ENGINE_KEYS.join(', ')}); configure a new run`);
        }
        engine.update(request.changes);
        return this.reply(request.id, `updated ${names.join(', ')}`);
      }
      default: {
        const unknown = request as { type?: unknown };
        throw new Error(`unknown request type ${JSON.stringify(unknown.type)}`);
      }
    }
  }

  /** An engine of the full module: the run's own when it has that module, else one loaded once beside it. */
  private full(): Promise<EngineHandle> {
    const engine = this.requireEngine();
    if (engine.kind === 'full') return Promise.resolve(engine);
    this.fullEngine ??= this.loadEngine(engine.simd, 'full').catch((error: unknown) => {
      this.fullEngine = null;  // a later request tries again
      throw error;
    });
    return this.fullEngine;
  }

  private requireEngine(): EngineHandle {
    if (!this.engine) throw new Error('the engine is not loaded yet: send init first');
    return this.engine;
  }

  // --- the play loop -----------------------------------------------------------------------

  private startLoop(): void {
    if (this.state === 'playing') return;
    this.state = 'playing';
    const token = ++this.loopToken;
    void this.loop(token).catch((error) => {
      this.state = 'paused';
      this.port.postMessage({ type: 'error', message: `training stopped: ${describeError(error)}`, ...(isFatal(error) ? { fatal: true } : {}) });
      this.postStatus();
    });
  }

  private stopLoop(): void {
    this.loopToken++;  // a running loop sees a stale token and ends
  }

  private async loop(token: number): Promise<void> {
    const engine = this.requireEngine();
    let msPerStep = 0;
    let windowStart = this.now();
    let windowSteps = 0;
    let allowance = 0;  // steps earned under a speed limit, not yet run
    let lastTick = this.now();
    while (token === this.loopToken) {
      const sliceStart = this.now();
      if (this.stepsPerSecondLimit > 0) {
        allowance = Math.min(allowance + ((sliceStart - lastTick) / 1000) * this.stepsPerSecondLimit, 2 + this.stepsPerSecondLimit / 10);
      }
      lastTick = sliceStart;
      let budget = msPerStep > 0 ? Math.max(1, Math.floor(this.sliceMs / msPerStep)) : 1;
      if (this.stepsPerSecondLimit > 0) budget = Math.min(budget, Math.floor(allowance));
      if (this.stopAtStep !== null) budget = Math.min(budget, this.stopAtStep - engine.currentStep());
      if (budget > 0) {
        const done = engine.step(budget);
        const elapsed = this.now() - sliceStart;
        if (done > 0) msPerStep = msPerStep === 0 ? elapsed / done : 0.8 * msPerStep + 0.2 * (elapsed / done);
        // Only steps under a limit spend the allowance: steps run at full speed must not leave
        // a debt that stalls the loop when a limit is set later (the page's auto pace does that).
        if (this.stepsPerSecondLimit > 0) allowance -= done;
        windowSteps += done;
        if (this.stopAtStep !== null && engine.currentStep() >= this.stopAtStep) {
          // Reached the runTo target exactly: pause there.
          this.stopAtStep = null;
          this.state = 'paused';
          this.loopToken++;
          this.afterChange();
          return;
        }
        if (done < budget) {
          // The engine stopped early: the run diverged.
          this.state = 'diverged';
          this.loopToken++;
          this.afterChange(true);
          return;
        }
      }
      const now = this.now();
      if (now - windowStart >= 500) {
        this.measuredStepsPerSecond = (1000 * windowSteps) / (now - windowStart);
        windowStart = now;
        windowSteps = 0;
      }
      if (now - this.lastSnapshot >= this.frameMs) {
        const evaluate = now - this.lastEvaluation >= this.evaluateEveryMs;
        // An evaluation is another long call on a large model: let a Pause in between first.
        if (evaluate && this.now() - sliceStart > this.sliceMs) {
          await this.yieldToEvents();
          if (token !== this.loopToken) return;
        }
        this.postSnapshot(evaluate);
      }
      await this.yieldToEvents();
    }
  }

  // --- snapshots and status ----------------------------------------------------------------

  /** A new run (configure or reset): a new id, announced by a status before its first snapshot. */
  private startRun(): void {
    this.runId++;
    this.historySentUpTo = 0;
    this.lastMetrics = null;  // they were the previous run's
    this.postStatus();
  }

  /** After any change: a fresh evaluation, a snapshot and a status. */
  private afterChange(fromLoop = false): void {
    if (!this.engine) return;
    this.postSnapshot(true);
    if (!fromLoop && this.engine && this.lastMetrics?.diverged) this.state = 'diverged';
    this.postStatus();
  }

  private postSnapshot(evaluate: boolean): void {
    const engine = this.engine;
    if (!engine) return;
    const now = this.now();
    const evaluated = evaluate || !this.lastMetrics;
    if (evaluated || !this.lastMetrics) {
      this.lastMetrics = engine.metrics();
      this.lastEvaluation = now;
    }
    const metrics = this.lastMetrics;
    this.lastSnapshot = now;
    const config = engine.config();
    const layers = config.heads.length;
    const history = engine.trainLossHistory(this.historySentUpTo);
    if (history.steps.length > 0) this.historySentUpTo = history.steps[history.steps.length - 1] + 1;
    const snapshot: Snapshot = {
      runId: this.runId,
      step: engine.currentStep(),
      state: this.state,
      stepsPerSecond: this.state === 'playing' ? this.measuredStepsPerSecond : 0,
      metrics,
      T: config.T,
      attentionParameterView: range(config.heads[0]).map((h) => engine.attentionParameterView(h)),
      attentionBatchView: range(config.heads[0]).map((h) => engine.attentionBatchView(0, h)),
      queryAttention: range(config.heads[layers - 1]).map((h) =>
        engine.attentionBatchView(layers - 1, h).slice((config.T - 1) * config.T),
      ),
      sampleTokens: Int32Array.from(this.displaySequence(engine)),
      sampleQueryAttention: this.sampleQueryAttention(engine, layers, config.T),
      parameters: evaluated ? this.parameters(engine) : null,
      interventions: engine.interventions(),
      lossSteps: history.steps,
      losses: history.loss,
    };
    this.send(snapshotMessage(snapshot));
  }

  /**
   * The sequence shown on the page: the first sequence of `sampleSeed` (advanced a few times if
   * needed) in which the query's context occurred before, so the induction head has somewhere to look.
   */
  private displaySequence(engine: EngineHandle): Int32Array {
    if (this.sampleTokens) return this.sampleTokens;
    const graph = engine.graph();
    let tokens = engine.sample(1, this.sampleSeed).tokens;
    for (let tries = 0; tries < 50 && inductionTargets(graph, tokens).length < 2; tries++)
      tokens = engine.sample(1, ++this.sampleSeed).tokens;
    this.sampleTokens = tokens;
    return tokens;
  }

  private sampleQueryAttention(engine: EngineHandle, layers: number, T: number): Float64Array[] {
    const attention = engine.sequenceAttention(this.displaySequence(engine));
    return attention[layers - 1].map((head) => head.slice((T - 1) * T));
  }

  private parameters(engine: EngineHandle): Snapshot['parameters'] {
    const shape = engine.shape();
    return {
      widths: shape.widths,
      A1: range(shape.heads[0]).map((h) => engine.parametersA(0, h)),
      W: engine.parametersW(),
    };
  }

  private send(envelope: Envelope<Reply>): void {
    this.port.postMessage(envelope.message, envelope.transfer);
  }

  private reply(id: number, message: string): void {
    this.postStatus(id, message);
  }

  private postStatus(id?: number, message = ''): void {
    const engine = this.engine;
    this.port.postMessage({
      type: 'status',
      id,
      runId: this.runId,
      state: this.state,
      step: engine ? engine.currentStep() : 0,
      stepsPerSecond: this.state === 'playing' ? this.measuredStepsPerSecond : 0,
      config: engine ? engine.config() : null,
      graph: engine ? engine.graph() : null,
      simd: engine ? engine.simd : null,
      message: message || (this.lastMetrics?.diverged ? this.lastMetrics.status : ''),
    });
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The fields of a configure request the cost estimate needs (defaults for the missing), or null when unreadable. */
function costInput(config: Record<string, unknown> | undefined): CostInput | null {
  const value = (name: string) => config?.[name] ?? ENGINE_FIELDS.find((field) => field.name === name)?.default;
  const heads = value('heads');
  const list = typeof heads === 'string' ? heads.split(',').map(Number) : heads;
  const input = { S: value('S'), T: value('T'), heads: list, batch: value('batch'), test_size: value('test_size') };
  // Out of the table's range: the engine's own message names the field better than a cost would.
  const inRange = (name: 'S' | 'T' | 'batch' | 'test_size') => {
    const field = ENGINE_FIELDS.find((f) => f.name === name) as { min?: number; max?: number } | undefined;
    const n = input[name];
    return typeof n === 'number' && Number.isFinite(n) && n >= (field?.min ?? 1) && n <= (field?.max ?? Infinity);
  };
  if (!(['S', 'T', 'batch', 'test_size'] as const).every(inRange)) return null;
  if (!Array.isArray(list) || list.length === 0 || list.length > 4 || !list.every((h) => Number.isInteger(h) && h >= 1 && h <= 4)) return null;
  return input as CostInput;
}

/**
 * Whether an error means the engine itself broke (a trap, an abort, running out of memory, a
 * C++ exception that was not turned into a value), so its state cannot be trusted any more and
 * the page should start a new worker.
 */
export function isFatal(error: unknown): boolean {
  if (typeof error === 'number') return true;
  if (typeof WebAssembly !== 'undefined') {
    if (error instanceof WebAssembly.RuntimeError) return true;
    const exception = (WebAssembly as unknown as { Exception?: new (...args: never[]) => unknown }).Exception;
    if (exception && error instanceof exception) return true;
  }
  if (error instanceof RangeError && /memory|allocation|array buffer/i.test(error.message)) return true;
  return error instanceof Error && /^Aborted\(/.test(error.message);
}

/** Words for any error, never "[object WebAssembly.Exception]" or a bare number. */
export function describeError(error: unknown): string {
  if (typeof error === 'number') return `the engine failed (code ${error}) without a message`;
  if (typeof WebAssembly !== 'undefined') {
    if (error instanceof WebAssembly.RuntimeError) return `the engine crashed (${error.message || 'a WebAssembly trap'})`;
    const exception = (WebAssembly as unknown as { Exception?: new (...args: never[]) => unknown }).Exception;
    if (exception && error instanceof exception) return 'the engine crashed with an internal error (likely out of memory)';
  }
  if (error instanceof RangeError && /memory|allocation|array buffer/i.test(error.message))
    return `the engine ran out of memory (${error.message})`;
  if (error instanceof Error) return /^Aborted\(/.test(error.message) ? `the engine stopped: ${error.message}` : error.message;
  const text = String(error);
  return text.startsWith('[object ') ? 'the engine failed with an unknown error' : text;
}
