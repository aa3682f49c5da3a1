// How long the engine's blocking calls take for a config, estimated before configuring, so the
// training worker can refuse what would leave it deaf for seconds (a step or an evaluation is
// one WebAssembly call: nothing, not even Pause, is handled until it returns).
//
// The model's shape follows the engine's ModelShape::make (cpp/engine/catformer.cpp): widths
// d_0 = S + T, d_{l+1} = d_l (1 + heads_l); A_l holds heads_l d_l^2 parameters, W d_L S.
//
// Calibrated on the SIMD build in Node on a busy 2-core machine (milliseconds):
//   S=64 T=64 heads=4,4,1 batch=4  step 411, test set of 512: 11200
//   S=64 T=64 heads=2,2   batch=24 step 45,  test set of 512: 93
//   S=64 T=64 heads=1,1   batch=16 step 19,  test set of 512: 18
//   S=32 T=32 heads=4,4   batch=64 step 32,  test set of 512: 47
//   S=10 T=20 heads=1,1   batch=128 step 1.7, test set of 512: 1.5
// A training step costs about STEP_NS per parameter, position and sequence. An evaluation is a
// forward pass over the test set: the first layer reads one-hot inputs (nearly free); each
// later layer costs about T d_l^2 per head and sequence, three times slower per operation when
// the layer's matrices do not fit in a cache. The estimates err on the slow side.

/** The longest one blocking engine call may take, so the worker answers Pause in time. */
export const CALL_BUDGET_MS = 100;

const STEP_NS = 0.16;
const EVAL_NS_CACHED = 0.012;
const EVAL_NS_UNCACHED = 0.03;
const CACHE_BYTES = 2 * 1024 * 1024;

export interface CostInput {
  S: number;
  T: number;
  heads: number[];
  batch: number;
  test_size: number;
}

export interface CallCost {
  parameters: number;
  /** One training step. */
  stepMs: number;
  /** One evaluation of the test set (metrics). */
  evaluateMs: number;
}

/** The model's widths d_0 .. d_L, as the engine computes them. */
export function modelWidths(S: number, T: number, heads: readonly number[]): number[] {
  const widths = [S + T];
  for (const h of heads) widths.push(widths[widths.length - 1] * (1 + h));
  return widths;
}

export function parameterCount(S: number, T: number, heads: readonly number[]): number {
  const widths = modelWidths(S, T, heads);
  return heads.reduce((sum, h, l) => sum + h * widths[l] * widths[l], 0) + widths[heads.length] * S;
}

export function estimateCost(input: CostInput): CallCost {
  const { S, T, heads, batch, test_size } = input;
  const widths = modelWidths(S, T, heads);
  const parameters = parameterCount(S, T, heads);
  const stepMs = (parameters * T * batch * STEP_NS) / 1e6;
  let evaluateNs = 0;
  for (let l = 1; l < heads.length; l++) {
    const blockParameters = heads[l] * widths[l] * widths[l];
    const perOperation = blockParameters * 4 > CACHE_BYTES ? EVAL_NS_UNCACHED : EVAL_NS_CACHED;
    evaluateNs += blockParameters * T * test_size * perOperation;
  }
  return { parameters, stepMs, evaluateMs: evaluateNs / 1e6 };
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/**
 * Null when every engine call of this config fits in the budget; otherwise a message naming the
 * fields, the estimate and the budget, and what to change (the largest batch that fits, if any).
 */
export function budgetError(input: CostInput, budgetMs = CALL_BUDGET_MS): string | null {
  const cost = estimateCost(input);
  if (cost.stepMs <= budgetMs && cost.evaluateMs <= budgetMs) return null;
  const model = `S=${input.S}, T=${input.T}, heads=${input.heads.join(',')}`;
  const budget = `the page's budget of ${budgetMs} ms per engine call, which keeps Pause and the other controls responsive`;
  if (cost.evaluateMs > budgetMs)
    return `${model} is too large for the page: evaluating the test set would take about ${formatMs(cost.evaluateMs)}, over ${budget}; use fewer layers or heads, or smaller S or T`;
  const largestBatch = Math.floor((budgetMs * 1e6) / (cost.parameters * input.T * STEP_NS));
  const advice = largestBatch >= 1 ? `lower batch to at most ${largestBatch}` : 'use fewer layers or heads, or smaller S or T';
  return `batch=${input.batch} with ${model}: one training step would take about ${formatMs(cost.stepMs)}, over ${budget}; ${advice}`;
}
