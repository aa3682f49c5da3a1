// The messages between the page and the training worker: a discriminated union each way.
//
// Every request carries an `id`; the worker answers each request exactly once, with a
// `status` (success) or an `error` carrying the same id. Snapshots are pushed while training
// and after every change; their typed arrays are transferred, not copied. A message that
// transfers arrays is built here, by a function that returns it with its transfer list.
//
// This module owns the messages and the results they carry; the worker's modules import it,
// never the other way round.

import type {
  EngineConfig, Fig9Graph, Fig9Recipe, Fig9Result, Fig9Setup, GraphInfo, Intervention, LemmaSettings, LemmaView, Metrics,
  ProbeLawName, ProbeResult, ResolvedConfig,
} from '../engine/engine';

export type {
  EngineConfig, Fig9Graph, Fig9Recipe, Fig9Result, Fig9Setup, GraphInfo, Intervention, LemmaSettings, LemmaView, Metrics,
  ProbeLawName, ProbeResult, ResolvedConfig,
};

/** What the out-of-distribution probe runs on: a named law or an (S, S) matrix of rows. */
export interface ProbeRequest {
  law: ProbeLawName | number[][];
  lawAlpha: number;
  sequences: number;
  seed: number;
}

export type Experiment = 'fig9' | 'paper2' | 'fig8';

/** The two-parent figure's recipe: the paper's graph, one run (fields as EngineConfig's). */
export interface Paper2Recipe {
  S: number;
  T: number;
  alpha: number;
  heads: number[];
  optimizer: 'adam';
  lr: number;
  batch: number;
  steps: number;
  init_std: number;
  seed: number;
}

export interface Paper2Result {
  recipe: Paper2Recipe;
  parents: number[][];
  /** per first-layer head, (T, T) parameter-view attention */
  heads: number[][];
  /** per head, per parent slot ((i-1) div 2, i-1) */
  recovery: number[][];
  test_loss: number;
  bayes_loss: number;
  /** true when cancelled before the last step: a partial result */
  cancelled: boolean;
}

/** Figure 8: the standard transformer on the chain, the authors' recipe (cpp/engine/reproduce.cpp fig8_config). */
export interface Fig8Recipe {
  model: 'standard';
  graph: 'chain';
  S: number;
  T: number;
  alpha: number;
  heads: number[];
  optimizer: 'adamw';
  lr: number;
  wd: number;
  schedule: 'cosine';
  batch: number;
  steps: number;
  seed: number;
  /** steps between two points of the curve */
  every: number;
}

export interface Fig8Result {
  recipe: Fig8Recipe;
  parents: number[][];
  /** (T, T) first-layer attention averaged over the test set: the data view (there is no position block) */
  attention: number[];
  /** from the data view */
  parent_recovery: number;
  parent_recovery_view: 'data';
  test_loss: number;
  bayes_loss: number;
  loss_minus_bayes: number;
  curve: { step: number; parent_recovery: number; loss_minus_bayes: number }[];
  seconds: number;
  /** true when cancelled before the last step: a partial result */
  cancelled: boolean;
}

/**
 * What the experiments run: Figure 9's setups (as `cpg reproduce fig9 [--recipe paper]` prints
 * them) and the two-parent and Figure 8 recipes.
 */
export interface Recipes {
  /** the fast recipe, the page's default */
  fig9: Fig9Setup;
  /** the authors' recipe (SGD, learning rate 1, batch 1024, 2^14 steps per graph) */
  fig9Paper: Fig9Setup;
  paper2: Paper2Recipe;
  fig8: Fig8Recipe;
}

export type PlayState = 'idle' | 'playing' | 'paused' | 'diverged';

export interface Snapshot {
  /** The run this snapshot belongs to: see Status.runId. */
  runId: number;
  /** Steps trained so far (metrics may be from a few steps earlier: see metrics.step). */
  step: number;
  state: PlayState;
  stepsPerSecond: number;
  metrics: Metrics;
  T: number;
  /** First layer, per head: the position block of A soft-maxed per row, (T, T) row-major. */
  attentionParameterView: Float64Array[];
  /** First layer, per head: attention averaged over the test set, (T, T). */
  attentionBatchView: Float64Array[];
  /** Last layer, per head: the query's attention over positions averaged over the test set, (T). */
  queryAttention: Float64Array[];
  /** One sequence shown on the page (T tokens), and the last layer's query attention on it, per head (T). */
  sampleTokens: Int32Array;
  sampleQueryAttention: Float64Array[];
  /** First-layer A per head (d_0, d_0) and W (d_L, S); sent with evaluated snapshots only, else null. */
  parameters: { widths: number[]; A1: Float32Array[]; W: Float32Array } | null;
  /** Every intervention of this run so far (ablations, restores, freezes, knockouts), oldest first. */
  interventions: Intervention[];
  /** Training-loss history since the previous snapshot: steps and losses, same length. */
  lossSteps: Float64Array;
  losses: Float64Array;
}

// --- page -> worker --------------------------------------------------------------------------
export type Request =
  | { type: 'init'; id: number; simd?: boolean }
  | { type: 'configure'; id: number; config: EngineConfig }
  | { type: 'play'; id: number }
  | { type: 'pause'; id: number }
  | { type: 'step'; id: number; n: number }
  /** Plays until exactly `step` steps are trained, then pauses (for exact comparisons). */
  | { type: 'runTo'; id: number; step: number }
  /**
   * An intervention on the running run, playing or paused: "ablate=L:H[:zero|uniform]",
   * "restore=L:H", "freeze=A1+W" | "freeze=none", "knockout=parents|position". A fresh
   * snapshot with re-evaluated metrics follows at once.
   */
  | { type: 'intervene'; id: number; action: string }
  /** The out-of-distribution probe of the current model (answered with a `probe` reply). */
  | ({ type: 'probe'; id: number } & ProbeRequest)
  | { type: 'reset'; id: number; seed?: number }
  /** stepsPerSecond: the most steps per second to run; 0 runs as fast as the machine allows. */
  | { type: 'setSpeed'; id: number; stepsPerSecond: number }
  /** Changes settings of the running run; only the engine's live settings (its table's `live` rows: lr). */
  | { type: 'update'; id: number; changes: EngineConfig }
  /** Draw another sequence to display (does not touch training). */
  | { type: 'resample'; id: number };

export type RequestType = Request['type'];

// --- worker -> page --------------------------------------------------------------------------
export interface Status {
  type: 'status';
  /** The request this answers; absent when the worker reports a change by itself. */
  id?: number;
  /**
   * The current run: 0 after init, one more on every successful configure and every reset.
   * A new run is announced by a status carrying its id before its first snapshot, so a page
   * knows the run's graph and config when that snapshot arrives.
   */
  runId: number;
  state: PlayState;
  step: number;
  stepsPerSecond: number;
  config: ResolvedConfig | null;
  graph: GraphInfo | null;
  simd: boolean | null;
  message: string;
}

export type Reply =
  | { type: 'snapshot'; snapshot: Snapshot }
  | Status
  /** fatal: the engine or the worker broke (a trap, out of memory, a crash); the page starts a new worker. */
  | { type: 'error'; id?: number; message: string; fatal?: boolean }
  | { type: 'probe'; id: number; result: ProbeResult };

// --- page -> experiment worker ---------------------------------------------------------------
//
// The paper's experiments run on a pool of experiment workers (web/worker/experiment-host.ts),
// each with an engine of its own, so the training worker above is never starved. A pool worker
// runs one job at a time: one graph of Figure 9, a summary, or a whole single-run experiment.
// Every request but `cancel` is answered exactly once: with its result, or an `error` carrying
// its id. `cancel` stops the job in progress at its next chunk of steps; the job then answers
// as cancelled (a Figure 9 graph with `graph: null`, a run with its partial result).

/** A single-run experiment (Figure 9 is spread over the pool graph by graph). */
export type SingleExperiment = Exclude<Experiment, 'fig9'>;

export type PoolRequest =
  | { type: 'init'; id: number; simd?: boolean }
  /** Trains and measures graph `index` of the sweep `setup` (its result depends only on the two). */
  | { type: 'fig9Graph'; id: number; setup: Fig9Setup; index: number }
  /** The figure from the graphs measured so far, in graph order (the engine's summary). */
  | { type: 'fig9Summary'; id: number; setup: Fig9Setup; graphs: Fig9Graph[]; cancelled: boolean; seconds: number }
  | { type: 'run'; id: number; experiment: SingleExperiment }
  /** The key-lemma view of a config (answered with a `lemma` reply): Part 2 asks a worker of the pool, not the live run's. */
  | { type: 'lemma'; id: number; config: EngineConfig; settings?: LemmaSettings }
  /** The experiments' recipes (answered with a `recipes` reply), likewise off the live run's worker. */
  | { type: 'recipes'; id: number }
  | { type: 'cancel' };

export type PoolReply =
  | { type: 'ready'; id: number; simd: boolean }
  /** Steps done of the job `id` so far, of `planned`. */
  | { type: 'jobProgress'; id: number; steps: number; planned: number }
  /** null when cancelled before the graph finished */
  | { type: 'fig9Graph'; id: number; index: number; graph: Fig9Graph | null }
  | { type: 'fig9Summary'; id: number; result: Fig9Result }
  | { type: 'ran'; id: number; result: Paper2Result | Fig8Result }
  | { type: 'lemma'; id: number; view: LemmaView }
  | { type: 'recipes'; id: number; recipes: Recipes }
  | { type: 'error'; id?: number; message: string };

/** A message with the list of buffers postMessage transfers along with it. */
export interface Envelope<M> {
  message: M;
  transfer: Transferable[];
}

/** A request without its id (the client numbers them). */
export type UnnumberedRequest = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** A request numbered `id`; requests transfer nothing. */
export function requestMessage(request: UnnumberedRequest, id: number): Envelope<Request> {
  return { message: { ...request, id } as Request, transfer: [] };
}

/** A snapshot, its typed arrays transferred. */
export function snapshotMessage(snapshot: Snapshot): Envelope<Reply> {
  return { message: { type: 'snapshot', snapshot }, transfer: transferables(snapshot) };
}

/** The answer to a `probe` request, its typed arrays transferred. */
export function probeMessage(id: number, result: ProbeResult): Envelope<Reply> {
  const { example } = result;
  const arrays = [example.tokens, example.truth, example.model, example.counts, result.law];
  return { message: { type: 'probe', id, result }, transfer: arrays.map((array) => array.buffer as ArrayBuffer) };
}

/** Arrays of a snapshot to transfer with postMessage. */
function transferables(snapshot: Snapshot): ArrayBuffer[] {
  const arrays = [
    ...snapshot.attentionParameterView,
    ...snapshot.attentionBatchView,
    ...snapshot.queryAttention,
    ...snapshot.sampleQueryAttention,
    snapshot.sampleTokens,
    snapshot.lossSteps,
    snapshot.losses,
    ...(snapshot.parameters ? [...snapshot.parameters.A1, snapshot.parameters.W] : []),
  ];
  return arrays.map((array) => array.buffer as ArrayBuffer);
}
