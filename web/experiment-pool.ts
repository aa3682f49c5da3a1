// The main thread's door to the experiment workers: a pool of them, each with an engine of its
// own (web/worker/experiment-host.ts), so the paper's experiments use every core but one and the
// training worker's live run is never starved.
//
// Figure 9 is spread over the pool graph by graph: each free worker takes the next graph, and
// a graph's result depends only on the setup and its index, so the figure equals a one-worker
// run. The workers live for one experiment: they are started for it and terminated after it, so
// their memory goes with them. Cancel asks every worker to stop at its next chunk of steps and
// terminates any that has not answered within a grace period; a failure in one worker cancels
// the others and rejects the run with a message naming the worker and the graph.
import type {
  EngineConfig, Fig8Result, Fig9Graph, Fig9Result, Fig9Setup, LemmaSettings, LemmaView, Paper2Result, PoolReply, PoolRequest, Recipes,
  SingleExperiment,
} from './worker/protocol';

/** The part of a Worker the pool uses (a real Worker, or a test harness). */
export interface PoolWorker {
  postMessage(message: PoolRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<PoolReply>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate(): void;
}

/** The most workers a pool starts, whatever the core count: each holds an engine and its memory. */
export const MAX_POOL_SIZE = 8;

/** Every core but one (the page and the live run keep it), at least one, at most MAX_POOL_SIZE. */
export function poolSize(hardwareConcurrency: number | undefined): number {
  const cores = Number.isInteger(hardwareConcurrency) && (hardwareConcurrency as number) > 0 ? (hardwareConcurrency as number) : 2;
  return Math.max(1, Math.min(MAX_POOL_SIZE, cores - 1));
}

export interface Fig9Progress {
  graphs: number;
  graphsDone: number;
  /** steps trained over all graphs, of `totalSteps` */
  steps: number;
  totalSteps: number;
  fraction: number;
  workers: number;
  /** measured over the run so far, all workers together; null before the first measurement */
  stepsPerSecond: number | null;
  /** seconds left at the measured rate, given how the remaining graphs fall on the workers; null before a rate is known */
  etaSeconds: number | null;
}

export interface SingleProgress {
  fraction: number;
  steps: number;
  planned: number;
}

export interface PoolOptions {
  createWorker: () => PoolWorker;
  /** workers to start (poolSize(navigator.hardwareConcurrency) on the page) */
  size: number;
  /** The engine build to load (the training worker's), or undefined to detect it. */
  simd?: () => boolean | undefined;
  /** How long a cancelled worker may take to stop before it is terminated. */
  cancelGraceMs?: number;
  /** How long the helper worker (the lemma's view, the recipes) is kept after its last answer. */
  helperIdleMs?: number;
  now?: () => number;
}

/** Raised inside the pool when a worker is terminated on purpose (a cancel that took too long). */
class Stopped extends Error {}

type Unnumbered = PoolRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** One worker of the pool and its requests in flight. */
class Member {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { type: PoolRequest['type']; resolve: (reply: PoolReply) => void; reject: (error: Error) => void; onProgress?: (steps: number, planned: number) => void }
  >();
  gone = false;

  constructor(private readonly worker: PoolWorker, readonly number: number) {
    worker.addEventListener('message', (event) => this.receive(event.data));
    worker.addEventListener('error', (event) => {
      event.preventDefault?.();
      this.fail(new Error(event.message ? event.message.replace(/^Uncaught /, '') : 'its script did not load'));
    });
  }

  request(message: Unnumbered, onProgress?: (steps: number, planned: number) => void): Promise<PoolReply> {
    if (this.gone) return Promise.reject(new Stopped('the experiment worker was stopped'));
    const id = this.nextId++;
    return new Promise<PoolReply>((resolve, reject) => {
      this.pending.set(id, { type: message.type, resolve, reject, onProgress });
      this.worker.postMessage({ ...message, id } as PoolRequest);
    });
  }

  /** Whether it has a request in flight. */
  busy(): boolean {
    return this.pending.size > 0;
  }

  /** Whether it is training (a graph or a run), which a cancel stops. */
  training(): boolean {
    return [...this.pending.values()].some(({ type }) => type === 'fig9Graph' || type === 'run');
  }

  cancel(): void {
    if (!this.gone) this.worker.postMessage({ type: 'cancel' });
  }

  terminate(): void {
    if (this.gone) return;
    this.gone = true;
    this.worker.terminate();
    this.rejectAll(new Stopped('the experiment worker was stopped'));
  }

  private receive(reply: PoolReply): void {
    if (reply.type === 'error' && reply.id === undefined) return this.fail(new Error(reply.message));
    const waiting = this.pending.get(reply.id as number);
    if (!waiting) return;
    if (reply.type === 'jobProgress') return waiting.onProgress?.(reply.steps, reply.planned);
    this.pending.delete(reply.id as number);
    if (reply.type === 'error') waiting.reject(new Error(reply.message));
    else waiting.resolve(reply);
  }

  /** The worker broke: whatever it was doing fails, and it takes no more work. */
  private fail(error: Error): void {
    this.gone = true;
    this.worker.terminate();
    this.rejectAll(error);
  }

  private rejectAll(error: Error): void {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}

export class ExperimentPool {
  private members: Member[] = [];
  /** A worker for the short jobs of Parts 2 and 3 (the lemma's view, the recipes). */
  private helperMember: Member | null = null;
  private helperReady: Promise<unknown> = Promise.resolve();
  private helperTimer: ReturnType<typeof setTimeout> | undefined;
  private active: string | null = null;
  private cancelRequested = false;
  private readonly now: () => number;

  constructor(private readonly options: PoolOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Workers an experiment starts (Figure 9: at most one per graph). */
  get size(): number {
    return this.options.size;
  }

  /** The experiment running now, if any. */
  get running(): string | null {
    return this.active;
  }

  /**
   * Runs Figure 9 of `setup` over the pool. `onGraph` receives the figure of the graphs finished
   * so far (the engine's summary) each time one finishes. Resolves with the figure (partial and
   * `cancelled` after a cancel); rejects when a worker fails.
   */
  async runFig9(
    setup: Fig9Setup,
    events: { onProgress?: (progress: Fig9Progress) => void; onGraph?: (partial: Fig9Result, index: number) => void } = {},
  ): Promise<Fig9Result> {
    this.begin('fig9');
    const start = this.now();
    const graphs = setup.settings.graphs;
    const planned = setup.recipe.steps;
    const results: (Fig9Graph | undefined)[] = new Array(graphs);
    const inFlight = new Map<number, number>();  // graph index -> steps done
    let next = 0;
    let graphsDone = 0;
    let trainingStart: number | null = null;
    let failure: Error | null = null;
    const finished = () => results.filter((graph): graph is Fig9Graph => graph !== undefined);
    const seconds = () => (this.now() - start) / 1000;
    try {
      const members = await this.spawn(Math.min(this.options.size, graphs));
      const report = () => {
        const now = this.now();
        trainingStart ??= now;
        let steps = graphsDone * planned;
        for (const done of inFlight.values()) steps += done;
        const elapsed = (now - trainingStart) / 1000;
        const stepsPerSecond = elapsed > 0.5 && steps > 0 ? steps / elapsed : null;
        const etaSeconds = stepsPerSecond === null ? null : eta([...inFlight.values()], graphs - next, planned, members.length, stepsPerSecond);
        events.onProgress?.({
          graphs, graphsDone, steps, totalSteps: graphs * planned, fraction: steps / (graphs * planned), workers: members.length, stepsPerSecond, etaSeconds,
        });
      };
      const lane = async (member: Member) => {
        while (!this.cancelRequested && failure === null && next < graphs) {
          const index = next++;
          inFlight.set(index, 0);
          let reply: PoolReply;
          try {
            reply = await member.request({ type: 'fig9Graph', setup, index }, (steps) => {
              inFlight.set(index, steps);
              report();
            });
          } catch (error) {
            if (error instanceof Stopped && this.cancelRequested) return;
            throw new Error(`experiment worker ${member.number} failed on graph ${index + 1}: ${(error as Error).message}`);
          } finally {
            inFlight.delete(index);
          }
          if (reply.type !== 'fig9Graph' || reply.graph === null) return;  // cancelled
          results[index] = reply.graph;
          graphsDone++;
          report();
          if (events.onGraph) {
            const partial = await member.request({ type: 'fig9Summary', setup, graphs: finished(), cancelled: false, seconds: seconds() }).catch((error: Error) => {
              throw new Error(`experiment worker ${member.number} failed to summarize the graphs: ${error.message}`);
            });
            if (partial.type === 'fig9Summary') events.onGraph(partial.result, index);
          }
        }
      };
      await Promise.all(
        members.map((member) =>
          lane(member).catch((error: Error) => {
            if (failure) return;
            failure = error;
            this.stopAll();  // the others stop at their next chunk
          }),
        ),
      );
      if (failure) throw failure;
      const summarizer = this.members.find((member) => !member.gone) ?? (await this.spawn(1))[0];
      const reply = await summarizer.request({ type: 'fig9Summary', setup, graphs: finished(), cancelled: graphsDone < graphs, seconds: seconds() });
      if (reply.type !== 'fig9Summary') throw new Error(`unexpected reply ${reply.type}`);
      return reply.result;
    } finally {
      this.end();
    }
  }

  /** Runs the two-parent figure or Figure 8 on one worker; a cancel resolves with the partial result. */
  async runSingle(experiment: SingleExperiment, onProgress?: (progress: SingleProgress) => void): Promise<Paper2Result | Fig8Result> {
    this.begin(experiment);
    try {
      const [member] = await this.spawn(1);
      let reply: PoolReply;
      try {
        reply = await member.request({ type: 'run', experiment }, (steps, planned) => onProgress?.({ fraction: steps / planned, steps, planned }));
      } catch (error) {
        if (error instanceof Stopped) throw new Error(`the ${experiment} run was stopped before it could report a partial result`);
        throw new Error(`the experiment worker failed: ${(error as Error).message}`);
      }
      if (reply.type !== 'ran') throw new Error(`unexpected reply ${reply.type}`);
      return reply.result;
    } finally {
      this.end();
    }
  }

  /**
   * The key lemma's view (Part 2), on the pool's helper worker: started on first use and kept for
   * the next call (for helperIdleMs, a minute by default, then it goes with its engine's memory),
   * outside the experiments (it runs beside one), so neither the live run nor an experiment waits
   * for it. A helper that fails is replaced on the next call.
   */
  async lemma(config: EngineConfig, settings?: LemmaSettings): Promise<LemmaView> {
    const reply = await this.askHelper({ type: 'lemma', config, settings });
    if (reply.type !== 'lemma') throw new Error(`unexpected reply ${reply.type}`);
    return reply.view;
  }

  /** The experiments' recipes (Part 3), from the helper worker's engine. */
  async recipes(): Promise<Recipes> {
    const reply = await this.askHelper({ type: 'recipes' });
    if (reply.type !== 'recipes') throw new Error(`unexpected reply ${reply.type}`);
    return reply.recipes;
  }

  /** Whether the helper worker is alive (started and not yet released). */
  get helperAlive(): boolean {
    return this.helperMember !== null && !this.helperMember.gone;
  }

  private async askHelper(message: Unnumbered): Promise<PoolReply> {
    clearTimeout(this.helperTimer);
    try {
      return await (await this.helper()).request(message);
    } finally {
      // Idle for helperIdleMs after its last answer: the helper goes (the next call starts one).
      const member = this.helperMember;
      clearTimeout(this.helperTimer);
      this.helperTimer = setTimeout(() => {
        if (member && member === this.helperMember && !member.busy()) member.terminate();
      }, this.options.helperIdleMs ?? 60_000);
    }
  }

  private async helper(): Promise<Member> {
    if (!this.helperMember || this.helperMember.gone) {
      const member = new Member(this.options.createWorker(), 0);
      this.helperMember = member;
      this.helperReady = member.request({ type: 'init', simd: this.options.simd?.() }).catch((error: Error) => {
        member.terminate();
        throw new Error(`the helper worker could not load the engine: ${error.message}`);
      });
    }
    const member = this.helperMember;
    await this.helperReady;
    return member;
  }

  /** Stops the running experiment: every worker at its next chunk, or terminated after the grace period. */
  cancel(): void {
    if (!this.active || this.cancelRequested) return;
    this.cancelRequested = true;
    this.stopAll();
  }

  private stopAll(): void {
    const members = [...this.members];
    for (const member of members) member.cancel();
    setTimeout(() => {
      for (const member of members) if (member.training()) member.terminate();
    }, this.options.cancelGraceMs ?? 5000);
  }

  private begin(experiment: string): void {
    if (this.active) throw new Error(`the ${this.active} experiment is still running: cancel it first`);
    this.active = experiment;
    this.cancelRequested = false;
  }

  /** Every worker goes, with its engine and memory. */
  private end(): void {
    for (const member of this.members) member.terminate();
    this.members = [];
    this.active = null;
  }

  /** Starts `count` more workers and loads their engines; a worker that fails to load fails the run. */
  private async spawn(count: number): Promise<Member[]> {
    const simd = this.options.simd?.();
    const started = Array.from({ length: count }, () => {
      const member = new Member(this.options.createWorker(), this.members.length + 1);
      this.members.push(member);
      return member;
    });
    await Promise.all(
      started.map((member) =>
        member.request({ type: 'init', simd }).catch((error: Error) => {
          throw new Error(`experiment worker ${member.number} could not load the engine: ${error.message}`);
        }),
      ),
    );
    return started;
  }
}

/**
 * Seconds until the last graph finishes: the graphs in flight finish their remaining steps, and
 * each queued graph goes to the worker that is free first, every worker running at
 * `stepsPerSecond / workers`.
 */
export function eta(inFlightSteps: number[], queued: number, planned: number, workers: number, stepsPerSecond: number): number {
  const perWorker = stepsPerSecond / Math.max(1, workers);
  const free = Array.from({ length: workers }, (_, w) => (w < inFlightSteps.length ? Math.max(0, planned - inFlightSteps[w]) / perWorker : 0));
  for (let g = 0; g < queued; g++) {
    let earliest = 0;
    for (let w = 1; w < free.length; w++) if (free[w] < free[earliest]) earliest = w;
    free[earliest] += planned / perWorker;
  }
  return Math.max(0, ...free);
}
