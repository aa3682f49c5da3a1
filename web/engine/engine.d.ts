// The interface of the WebAssembly module built from cpp/wasm/bindings.cpp (generated/cpg.js
// and generated/cpg-nosimd.js share it). Hand-written: keep it in step with the EMSCRIPTEN_BINDINGS
// block there. The rest of the front end imports these types, and talks to the module through
// load.ts, whose wrapper turns error messages into Errors.
//
// S vocab, T tokens, L layers, H_l heads in layer l, d_l width of the stream entering layer l
// (d_0 = S + T, d_{l+1} = d_l (1 + H_l)).

/** Every option of `cpg train`; a missing key takes the engine's default (see defaultConfig()). */
export interface EngineConfig {
  /** chain | icl | tree | dag | trigram | ngram | paper2 | custom */
  graph?: string;
  /** vocabulary size, [2, 64] */
  S?: number;
  /** input tokens, [3, 64] */
  T?: number;
  /** Dirichlet concentration, [0.001, 100] */
  alpha?: number;
  /** heads per layer: 1 to 4 layers of 1 to 4 heads, e.g. [1, 1] (or the string "1,1") */
  heads?: number[] | string;
  /** sgd | adam | adamw */
  optimizer?: string;
  /** learning rate, (0, 10000] */
  lr?: number;
  /** weight decay, [0, 10] */
  wd?: number;
  /** constant | cosine */
  schedule?: string;
  /** sequences per step, [1, 8192] */
  batch?: number;
  /** planned steps (the cosine horizon), [1, 1e8] */
  steps?: number;
  /** std of the random init of A, [0, 10]; 0 reproduces the paper */
  init_std?: number;
  /** normal: A ~ N(0, init_std^2), W = 0; lemma: the key lemma's init (heads [1, 1] only) */
  init?: string;
  /** lemma init: layer-2 scale, (0, 100] */
  beta?: number;
  /** lemma init: readout scale, (0, 100] */
  w?: number;
  /** data, test-set and init seed, integer in [0, 2^32 - 1] */
  seed?: number;
  /** graph seed (tree, dag), integer in [0, 2^32 - 1] */
  graph_seed?: number;
  /** metrics period of the CLI, [1, 1e8]; accepted for symmetry, unused by the module */
  every?: number;
  /** dag: probability that a position has a parent, [0, 1] */
  q?: number;
  /** ngram: parents per position, [1, min(4, T-1)] */
  k?: number;
  /** custom graph: T entries (last '-') or T+1 entries, e.g. "-;0;0;1,2" */
  spec?: string;
  /** fixed test-set size, [1, 65536] */
  test_size?: number;
  /** parameter blocks kept fixed: "A1".."A<L>", "W" (or a comma-separated string) */
  freeze?: string[] | string;
}

/** The config as the engine holds it: every field filled in. */
export interface ResolvedConfig extends Required<EngineConfig> {
  heads: number[];
  freeze: string[];
}

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
  /** [first-layer head][parent slot], from the parameter view; one slot on single-parent tasks */
  parent_recovery: number[][];
  /** the same from the attention averaged over the test set */
  parent_recovery_batch: number[][];
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

export interface FieldRange {
  field: string;
  range: string;
  meaning: string;
}

/**
 * The Embind class. It owns one trainer, starting from the default config. Free it with
 * delete(). Methods that return a string return "" on success, else a message naming the
 * field and its allowed range (load.ts's wrapper throws it as an Error). Typed arrays are
 * copies that JS owns (safe to transfer). A wrong layer or head index throws a RangeError.
 */
export interface RawEngine {
  configure(config: EngineConfig): string;
  /** Runs up to n steps; fewer when the run diverges. Returns the steps done. */
  step(n: number): number;
  /** Evaluates the test set (refreshes attentionBatchView). */
  metrics(): Metrics;
  /** Starts over with a new data seed, same graph and settings. */
  reset(seed: number): string;
  setLearningRate(lr: number): string;
  currentStep(): number;
  diverged(): boolean;
  config(): ResolvedConfig;
  shape(): ModelShape;
  graph(): GraphInfo;
  /** The first n training sequences of `seed` (as `cpg sample --seed`), n in [0, 10000]. */
  sample(n: number, seed: number): Samples;
  /** First-layer head h, parameter view: (T, T), rows soft-maxed over j <= i. */
  attentionParameterView(head: number): Float64Array;
  /** Layer l, head h, averaged over the test set at the last metrics(): (T, T); in the last layer (L >= 2) only row T-1. */
  attentionBatchView(layer: number, head: number): Float64Array;
  /** The current model's attention on one sequence of T tokens: [layer][head] (T, T); in the last layer (L >= 2) only row T-1. Throws a RangeError on bad tokens. */
  sequenceAttention(tokens: ArrayLike<number>): Float64Array[][];
  /** A_{l,h}: (d_l, d_l) row-major. */
  parametersA(layer: number, head: number): Float32Array;
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

export interface CpgModule {
  Engine: new () => RawEngine;
  /** error is "" on success, else a message naming the field and its range (other fields then absent). */
  lemmaView(config: EngineConfig, settings?: LemmaSettings): { error: string } & Partial<LemmaView>;
  fieldRanges(): FieldRange[];
  defaultConfig(): ResolvedConfig;
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
export default function createCpgModule(options?: ModuleOptions): Promise<CpgModule>;
