// The paper's experiments, run in the worker on an engine of their own (the live run stays as
// it is): Figure 9's sweep over random DAGs, and the two-parent figure. Each trains in short
// chunks and yields between them, so progress is reported and a cancel is honoured at once.
import type { Engine } from '../engine/load';
import type { EngineConfig } from './protocol';

export type ExperimentEngine = Pick<Engine, 'configure' | 'step' | 'graph' | 'attentionParameterView' | 'metrics'>;

export interface Progress {
  /** 0..1 */
  fraction: number;
  message: string;
}

export interface RunControl {
  onProgress(progress: Progress): void;
  cancelled(): boolean;
  yieldToEvents(): Promise<void>;
}

// --- Figure 9 ----------------------------------------------------------------------------------

/**
 * The recipe the page runs: `cpg reproduce fig9 --recipe fast` (cpp/engine/reproduce.hpp), SGD
 * from A = W = 0 as in the paper, but with lr 3, batch 64 and 6000 steps instead of lr 1, batch
 * 1024 and 2^14 steps (44 times fewer sequences).
 */
export const FIG9_RECIPE = {
  graphs: 20,
  S: 3,
  T: 20,
  alpha: 0.1,
  q: 0.5,
  heads: [1, 1],
  optimizer: 'sgd' as 'adam' | 'sgd',
  lr: 3,
  batch: 64,
  steps: 6000,
  init_std: 0,
  seed: 1,
  firstGraphSeed: 1,
};
export type Fig9Recipe = typeof FIG9_RECIPE;

export interface Fig9Graph {
  graphSeed: number;
  parents: number[][];
  /** (T) attention from i to its parent, NaN where i has no parent */
  parentAttention: number[];
  mean: number;
}

export interface Fig9Result {
  recipe: Fig9Recipe;
  graphs: Fig9Graph[];
  /** mean over graphs of each graph's mean, and its population standard deviation */
  mean: number;
  std: number;
  /** per position: mean and std over the graphs where it has a parent, and how many */
  perPosition: { mean: number[]; std: number[]; count: number[] };
  complete: boolean;
  paperMean: number;
  paperStd: number;
}

const meanOf = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const stdOf = (values: number[]) => {
  const m = meanOf(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
};

/** Statistics of a finished (or cancelled) sweep; positions without data get NaN. */
export function aggregateFig9(graphs: Fig9Graph[], T: number): Pick<Fig9Result, 'mean' | 'std' | 'perPosition'> {
  const perPosition = { mean: [] as number[], std: [] as number[], count: [] as number[] };
  for (let i = 0; i < T; i++) {
    const values = graphs.map((g) => g.parentAttention[i]).filter((v) => Number.isFinite(v));
    perPosition.count.push(values.length);
    perPosition.mean.push(values.length ? meanOf(values) : NaN);
    perPosition.std.push(values.length ? stdOf(values) : NaN);
  }
  const means = graphs.map((g) => g.mean).filter((v) => Number.isFinite(v));
  return { mean: means.length ? meanOf(means) : NaN, std: means.length ? stdOf(means) : NaN, perPosition };
}

/** Trains `steps` steps in chunks, reporting progress; returns false when cancelled. */
async function train(engine: ExperimentEngine, steps: number, control: RunControl, report: (done: number) => void): Promise<boolean> {
  let done = 0;
  while (done < steps) {
    if (control.cancelled()) return false;
    const chunk = Math.min(50, steps - done);
    const ran = engine.step(chunk);
    done += chunk;
    report(done);
    if (ran < chunk) break;  // diverged: keep what it learned
    await control.yieldToEvents();
  }
  return true;
}

export async function runFig9(engine: ExperimentEngine, recipe: Fig9Recipe, control: RunControl): Promise<Fig9Result> {
  const graphs: Fig9Graph[] = [];
  let complete = true;
  for (let g = 0; g < recipe.graphs; g++) {
    const graphSeed = recipe.firstGraphSeed + g;
    const config: EngineConfig = {
      graph: 'dag', q: recipe.q, S: recipe.S, T: recipe.T, alpha: recipe.alpha, heads: recipe.heads,
      optimizer: recipe.optimizer, lr: recipe.lr, batch: recipe.batch, steps: recipe.steps,
      init_std: recipe.init_std, seed: recipe.seed + g, graph_seed: graphSeed, test_size: 64,
    };
    engine.configure(config);
    const finished = await train(engine, recipe.steps, control, (done) =>
      control.onProgress({
        fraction: (g + done / recipe.steps) / recipe.graphs,
        message: `graph ${g + 1} of ${recipe.graphs}: step ${done} of ${recipe.steps}`,
      }),
    );
    if (!finished) {
      complete = false;
      break;
    }
    const parents = engine.graph().parents;
    const attention = engine.attentionParameterView(0);
    const parentAttention = parents.map((p, i) => (p.length === 1 ? attention[i * recipe.T + p[0]] : NaN));
    const withParent = parentAttention.filter((v) => Number.isFinite(v));
    graphs.push({ graphSeed, parents, parentAttention, mean: withParent.length ? meanOf(withParent) : NaN });
  }
  return { recipe, graphs, ...aggregateFig9(graphs, recipe.T), complete, paperMean: 0.837, paperStd: 0.054 };
}

// --- The two-parent figure ----------------------------------------------------------------------

// The heads sit on a plateau (both on i-1) and then split suddenly; natively the split came
// between steps 2000 and 6000 depending on the seed (seeds 0, 1, 2), so 8000 steps leave room.
export const PAPER2_RECIPE = {
  S: 5,
  T: 32,
  alpha: 0.1,
  heads: [2, 1],
  optimizer: 'adam' as const,
  lr: 0.02,
  batch: 128,
  steps: 8000,
  init_std: 0.1,
  seed: 1,
};
export type Paper2Recipe = typeof PAPER2_RECIPE;

export interface Paper2Result {
  recipe: Paper2Recipe;
  parents: number[][];
  /** per first-layer head, (T, T) parameter-view attention */
  heads: number[][];
  /** per head, per parent slot ((i-1) div 2, i-1) */
  recovery: number[][];
  testLoss: number;
  bayesLoss: number;
  complete: boolean;
}

export async function runPaper2(engine: ExperimentEngine, recipe: Paper2Recipe, control: RunControl): Promise<Paper2Result> {
  engine.configure({
    graph: 'paper2', S: recipe.S, T: recipe.T, alpha: recipe.alpha, heads: recipe.heads, optimizer: recipe.optimizer,
    lr: recipe.lr, batch: recipe.batch, steps: recipe.steps, init_std: recipe.init_std, seed: recipe.seed, test_size: 256,
  });
  const complete = await train(engine, recipe.steps, control, (done) =>
    control.onProgress({ fraction: done / recipe.steps, message: `step ${done} of ${recipe.steps}` }),
  );
  const metrics = engine.metrics();
  return {
    recipe,
    parents: engine.graph().parents,
    heads: Array.from({ length: recipe.heads[0] }, (_, h) => Array.from(engine.attentionParameterView(h))),
    recovery: metrics.parent_recovery,
    testLoss: metrics.test_loss,
    bayesLoss: metrics.bayes_loss,
    complete,
  };
}
