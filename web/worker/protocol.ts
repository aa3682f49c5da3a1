// The messages between the page and the training worker: a discriminated union each way.
//
// Every request carries an `id`; the worker answers each request exactly once, with a
// `status` (success) or an `error` carrying the same id. Snapshots are pushed while training
// and after every change; their typed arrays are transferred, not copied.

import type { EngineConfig, GraphInfo, LemmaSettings, LemmaView, Metrics, ResolvedConfig } from '../engine/engine';
import type { Fig9Result, Paper2Result } from './experiments';

export type { EngineConfig, GraphInfo, LemmaSettings, LemmaView, Metrics, ResolvedConfig };
export type { Fig9Result, Paper2Result };

export type Experiment = 'fig9' | 'paper2';

export type PlayState = 'idle' | 'playing' | 'paused' | 'diverged';

export interface Snapshot {
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
  | { type: 'reset'; id: number; seed?: number }
  /** stepsPerSecond: the most steps per second to run; 0 runs as fast as the machine allows. */
  | { type: 'setSpeed'; id: number; stepsPerSecond: number }
  /** Changes settings of the running run; only the engine's live settings (its table's `live` rows: lr). */
  | { type: 'update'; id: number; changes: EngineConfig }
  /** Draw another sequence to display (does not touch training). */
  | { type: 'resample'; id: number }
  /** The key-lemma view for a config (answered with a `lemma` reply). */
  | { type: 'lemma'; id: number; config: EngineConfig; settings?: LemmaSettings }
  /** Starts one of the paper's experiments on a separate engine; progress and the result follow as messages. */
  | { type: 'reproduce'; id: number; experiment: Experiment }
  | { type: 'cancelReproduce'; id: number };

export type RequestType = Request['type'];

// --- worker -> page --------------------------------------------------------------------------
export interface Status {
  type: 'status';
  /** The request this answers; absent when the worker reports a change by itself. */
  id?: number;
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
  | { type: 'error'; id?: number; message: string }
  | { type: 'lemma'; id: number; view: LemmaView }
  | { type: 'progress'; experiment: Experiment; fraction: number; message: string }
  | { type: 'reproduced'; experiment: Experiment; result: Fig9Result | Paper2Result };

/** Arrays of a snapshot to transfer with postMessage. */
export function transferables(snapshot: Snapshot): ArrayBuffer[] {
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
