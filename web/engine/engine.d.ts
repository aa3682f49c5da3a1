// The interface of the WebAssembly modules built from cpp/wasm/bindings.cpp (generated/cpg.js,
// cpg-nosimd.js and their -core modules share it), as web/engine/wire.ts presents them: CpgModule
// and its classes. Hand-written: keep it in step with bindings.cpp's dispatch functions. The rest
// of the front end imports these types, and talks to the module through load.ts.
//
// Errors, one convention: every call that can fail returns its result (undefined when it has
// none) or an EngineError, {error: message} naming the field and its allowed range (with
// name: 'RangeError' for a wrong layer, head or count). Nothing throws across the boundary;
// load.ts's unwrap() turns an EngineError into a thrown Error (or RangeError) in one place.
//
// S vocab, T tokens, L layers, H_l heads in layer l, d_l width of the stream entering layer l
// (d_0 = S + T, d_{l+1} = d_l (1 + H_l)).
import type { EngineKey, EngineValues } from '../settings/fields';

/**
 * Every option of `cpg train`, from the engine's table of settings (cpp/engine/config.cpp, copied
 * to web/settings/fields.generated.ts): its names, types, ranges and docs are declared there.
 * A missing key takes the engine's default (see defaultConfig()). Enum values are plain strings
 * here (the engine checks them); heads may also be "1,1" and freeze "A1,W".
 */
export type EngineConfig = {
  [K in EngineKey]?: K extends 'heads' ? number[] | string : K extends 'freeze' ? string[] | string : LooseValue<K>;
};

/** The config as the engine holds it: every field filled in. */
export type ResolvedConfig = { [K in EngineKey]: K extends 'heads' ? number[] : K extends 'freeze' ? string[] : LooseValue<K> };

type LooseValue<K extends EngineKey> = EngineValues[K] extends number ? number : EngineValues[K] extends string ? string : EngineValues[K];

/** The CLI's JSON metrics line, except that parent recovery is always per head, per parent slot. */
export interface Metrics {
  step: number;
  /** loss of the last training batch (0 before the first step) */
  train_loss: number;
  /** on the fixed test set */
  test_loss: number;
  bayes_loss: number;
  one_parent_loss: number;
  unigram_loss: number;
  uniform_loss: number;
  /** [first-layer head][parent slot], from the view parent_recovery_view names; one slot on single-parent tasks */
  parent_recovery: number[][];
  /** "parameter" (the CatFormer's position block) or "data" (the standard model has none) */
  parent_recovery_view: 'parameter' | 'data';
  /** the same from the attention averaged over the test set */
  parent_recovery_batch: number[][];
  /** always "data" */
  parent_recovery_batch_view: 'data';
  /** learning rate of the next step */
  lr: number;
  diverged: boolean;
  /** "ok", or what went wrong and what to do */
  status: string;
}

export interface ModelShape {
  S: number;
  T: number;
  /** (L) heads per layer */
  heads: number[];
  /** (L + 1) d_l */
  widths: number[];
  model: 'catformer' | 'standard';
  /** MLP sublayers (always true for the standard model) */
  mlp: boolean;
  /** What attentionParameterView returns: the position block, or (standard model) the data view. */
  attention_view: 'parameter' | 'data';
}

export interface GraphInfo {
  name: string;
  T: number;
  multi_parent: boolean;
  /** (T) single-parent or (T + 1) multi-parent: each position's parents, ascending */
  parents: number[][];
  /** the graph as a custom spec string */
  spec: string;
}

export interface Samples {
  n: number;
  T: number;
  S: number;
  /** (n, T) */
  tokens: Int32Array;
  /** (n, S) target distributions */
  targets: Float64Array;
}

export interface LossHistory {
  steps: Float64Array;
  loss: Float64Array;
}

/** What a failed call returns instead of its result. */
export interface EngineError {
  error: string;
  name?: 'RangeError';
}

/** The result of a call that can fail. */
export type Fallible<T> = T | EngineError;

export interface FieldRange {
  field: string;
  range: string;
  meaning: string;
}

export interface Intervention {
  step: number;
  /** "ablate 1:1 zero", "restore 1:1", "freeze A1,W", "knockout parents". */
  action: string;
}

export type ProbeLawName = 'cycle' | 'sticky' | 'random';

export interface ProbeResult {
  sequences: number;
  /** Mean over the probe sequences of max_s |f(s) - pi~(s | query)| for the model, in-context counts and uniform. */
  error: { model: number; counts: number; uniform: number };
  /** The first probe sequence: its tokens (T) and the three predictions next to pi~'s row (S). */
  example: { tokens: Int32Array; truth: Float64Array; model: Float64Array; counts: Float64Array };
  /** pi~, (S, S) row-major. */
  law: Float64Array;
}

/**
 * The module's Engine (wire.ts). It owns one trainer, starting from the default config. Free it with
 * delete(). Typed arrays are copies that JS owns (safe to transfer). A wrong layer or head
 * index gives an EngineError named RangeError.
 */
export interface RawEngine {
  configure(config: EngineConfig): Fallible<undefined>;
  /** Runs up to n steps; fewer when the run diverges. Returns the steps done. */
  step(n: number): number;
  /** Evaluates the test set (refreshes attentionBatchView). */
  metrics(): Metrics;
  /** Starts over with a new data seed, same graph and settings. */
  reset(seed: number): Fallible<undefined>;
  /** Changes live settings of the running run (the engine's live rows: lr), e.g. {lr: 0.01}; any other field is refused by name. */
  update(changes: EngineConfig): Fallible<undefined>;
  /**
   * An intervention now: "ablate=L:H[:zero|uniform]", "restore=L:H", "freeze=A1+W" or
   * "freeze=none", "knockout=parents|position" (L, H 1-based). Call metrics() to see its effect.
   */
  intervene(action: string): Fallible<undefined>;
  /** Every intervention of this run so far. */
  interventions(): Intervention[];
  /** The out-of-distribution probe of the current model on a fixed law (cycle|sticky|random or (S, S) rows). */
  probe(law: ProbeLawName | number[][], lawAlpha: number, sequences: number, seed: number): Fallible<ProbeResult>;
  currentStep(): number;
  diverged(): boolean;
  config(): ResolvedConfig;
  shape(): ModelShape;
  graph(): GraphInfo;
  /** The first n training sequences of `seed` (as `cpg sample --seed`), n in [0, 10000]. */
  sample(n: number, seed: number): Fallible<Samples>;
  /** First-layer head h, parameter view: (T, T), rows soft-maxed over j <= i. */
  attentionParameterView(head: number): Fallible<Float64Array>;
  /** Layer l, head h, averaged over the test set at the last metrics(): (T, T); in the last layer (L >= 2) only row T-1. */
  attentionBatchView(layer: number, head: number): Fallible<Float64Array>;
  /** The current model's attention on one sequence of T tokens: [layer][head] (T, T); in the last layer (L >= 2) only row T-1. Throws a RangeError on bad tokens. */
  sequenceAttention(tokens: ArrayLike<number>): Fallible<Float64Array[][]>;
  /** A_{l,h}: (d_l, d_l) row-major. */
  parametersA(layer: number, head: number): Fallible<Float32Array>;
  /** W: (d_L, S) row-major. */
  parametersW(): Float32Array;
  /** Training-batch losses of steps >= since. */
  trainLossHistory(since: number): LossHistory;
  /** Test losses recorded by metrics() at steps >= since. */
  testLossHistory(since: number): LossHistory;
  delete(): void;
}

/** Settings of the key-lemma view; missing keys take their defaults (1, 1, 8192, 2000). */
export interface LemmaSettings {
  beta?: number;
  w?: number;
  batch?: number;
  mi_samples?: number;
}

/** The key lemma at its initialization: see cpp/engine/theory.hpp. (T, T) matrices are row-major. */
export interface LemmaView {
  S: number;
  T: number;
  loss: number;
  parents: number[][];
  /** -dL/dA_1 over the position block; 0 above the diagonal */
  gradient: Float64Array;
  mutual_information: Float64Array;
  /** (T) p(i), or -1 */
  parent: Int32Array;
  /** (T) argmax over j < i of the gradient row, or -1 */
  gradient_argmax: Int32Array;
  parent_hits: number;
  positions_with_parent: number;
  pearson_row_centred: number;
  /** row-centred points, rows i = 2..T-1, j < i */
  scatter: { i: Int32Array; j: Int32Array; gradient: Float64Array; information: Float64Array };
}

// --- Figure 9 (cpp/engine/reproduce.hpp; fields as cpp/json/reproduce_json.hpp writes them) ---

/** How each graph trains; `name` is fast | paper | custom (a named recipe with an override). */
export interface Fig9Recipe {
  name: string;
  optimizer: string;
  lr: number;
  wd: number;
  schedule: string;
  batch: number;
  steps: number;
  init_std: number;
}

/** Graph g trains on the random DAG of graph seed `graph_seed + g`, with data and init seed `seed + g`. */
export interface Fig9Settings {
  graphs: number;
  q: number;
  S: number;
  T: number;
  alpha: number;
  heads: number[];
  seed: number;
  graph_seed: number;
  test_size: number;
}

/** A sweep, as `cpg reproduce fig9` reads its options and prints them. */
export interface Fig9Setup {
  settings: Fig9Settings;
  recipe: Fig9Recipe;
}

/** Any part of a setup; the rest takes the defaults (`cpg reproduce fig9`'s). */
export interface Fig9SetupInput {
  settings?: Partial<Fig9Settings>;
  recipe?: Partial<Fig9Recipe>;
}

/** One graph of the sweep, an entry of the CLI's per_graph. Null where a position has no parent. */
export interface Fig9Graph {
  graph_seed: number;
  /** (T) parent of position i */
  parent: (number | null)[];
  /** (T) first-layer position attention from i to its parent */
  parent_attention: (number | null)[];
  positions_with_parent: number;
  /** mean of parent_attention over positions with a parent */
  mean: number | null;
  test_loss: number;
  bayes_loss: number;
  steps: number;
  diverged: boolean;
}

/** The figure, exactly as `cpg reproduce fig9` prints it. */
export interface Fig9Result extends Fig9Setup {
  figure: 'fig9';
  /** mean over graphs of each graph's mean, and its population standard deviation */
  mean: number;
  std: number;
  /** graphs counted (those with a parent somewhere) */
  graphs: number;
  /** per position: mean and std over the graphs with a parent there (null where none has), and how many */
  per_position: { mean: (number | null)[]; std: (number | null)[]; graphs: number[] };
  paper: { mean: number; std: number; recipe: Fig9Recipe };
  cancelled: boolean;
  diverged_graphs: number;
  seconds: number;
  per_graph: Fig9Graph[];
}

/** One graph of a sweep, trained a few steps at a time. Free it with delete(). */
export interface RawFig9GraphRun {
  /** Starts graph `index` (from 0) of the sweep. */
  start(setup: Fig9SetupInput, index: number): Fallible<undefined>;
  /** Trains up to n more steps; returns the steps done (fewer at the end or when diverging). */
  advance(n: number): number;
  step(): number;
  plannedSteps(): number;
  /** The planned steps are done, or the run diverged (true before start). */
  done(): boolean;
  /** The graph measured now, with its test loss. */
  result(): Fallible<Fig9Graph>;
  delete(): void;
}

/** A module's exports. The optional ones are only in the full modules, not in the core ones (cmake/wasm.cmake). */
export interface CpgModule {
  Engine: new () => RawEngine;
  fieldRanges(): FieldRange[];
  defaultConfig(): ResolvedConfig;
  lemmaView?(config: EngineConfig, settings?: LemmaSettings): Fallible<LemmaView>;
  Fig9GraphRun?: new () => RawFig9GraphRun;
  /** The setup with every field filled in. */
  fig9Setup?(setup?: Fig9SetupInput): Fallible<Fig9Setup>;
  /** The figure from graphs measured one at a time. */
  summarizeFig9?(setup: Fig9SetupInput, graphs: Fig9Graph[], cancelled: boolean, seconds: number): Fallible<Fig9Result>;
}

/** What the Emscripten factory resolves to: the one entry point and the memory (wire.ts calls it). */
export interface ModuleExports {
  /** A buffer for the next request of `length` bytes; returns its address. */
  _cpg_request(length: number): number;
  /** Answers the request in that buffer; returns the address of its length (u32) and bytes. */
  _cpg_call(length: number): number;
  /** The module's memory as bytes; a new array whenever the memory grows. */
  HEAPU8: Uint8Array;
}

/** Options of the Emscripten factory (the only ones the build accepts: INCOMING_MODULE_JS_API). */
export interface ModuleOptions {
  /** The .wasm bytes; skips fetching (Node, tests). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where the .wasm file lives, given its name. */
  locateFile?: (path: string, scriptDirectory: string) => string;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
  onAbort?: (reason: unknown) => void;
}

/** The generated module's default export (-sEXPORT_NAME=createCpgModule). */
export default function createCpgModule(options?: ModuleOptions): Promise<ModuleExports>;
