// The interface of the WebAssembly module built from cpp/wasm/bindings.cpp (generated/cpg.js
// and generated/cpg-nosimd.js share it). Hand-written: keep it in step with the EMSCRIPTEN_BINDINGS
// block there. The rest of the front end imports these types, and talks to the module through
// load.ts, whose wrapper turns error messages into Errors.
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
  /** Changes live settings of the running run (the engine's live rows: lr), e.g. {lr: 0.01}; any other field is refused by name. */
  update(changes: EngineConfig): string;
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
