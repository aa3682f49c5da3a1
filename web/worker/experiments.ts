// The paper's experiments, run in the experiment workers on engines of their own (the live run
// stays as it is): Figure 9's sweep over random DAGs (graph by graph), the two-parent figure and
// Figure 8. Each trains in short chunks and yields between them, so progress is reported and a
// cancel is honoured soon.
//
// Figure 9's recipe, measurement, summary and field names are the engine's
// (cpp/engine/reproduce.hpp, cpp/json/reproduce_json.hpp): this file only loops over the graphs,
// so the page's button and `cpg reproduce fig9` give the same numbers.
import type { Engine } from '../engine/load';
import type { Fig8Recipe, Fig8Result, Fig9Graph, Fig9Result, Fig9Setup, Paper2Recipe, Paper2Result, Recipes } from './protocol';

export type ExperimentEngine = Pick<
  Engine,
  | 'configure' | 'step' | 'graph' | 'attentionParameterView' | 'attentionBatchView' | 'metrics' | 'fig9Setup' | 'fig9GraphRun'
  | 'summarizeFig9' | 'lemmaView'
>;

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

/** Longest a chunk of steps should take, so progress flows and a cancel is honoured soon. */
const CHUNK_MS = 100;

/** The next chunk: as many steps as take about CHUNK_MS at the rate just measured, growing at most 4-fold. */
function nextChunk(chunk: number, ran: number, elapsedMs: number): number {
  if (ran === 0) return chunk;
  return Math.max(1, Math.min(4 * chunk, Math.floor((CHUNK_MS * ran) / Math.max(elapsedMs, 1e-3))));
}

// --- Figure 9 ----------------------------------------------------------------------------------

export interface GraphControl {
  /** Steps done of the graph so far (a diverged graph counts as done). */
  onSteps(done: number, planned: number): void;
  cancelled(): boolean;
  yieldToEvents(): Promise<void>;
  now?: () => number;
}

/**
 * Trains and measures graph `index` of the sweep `setup`, in chunks sized to take about
 * CHUNK_MS each (one step of the authors' recipe takes tens of milliseconds, one of the fast
 * recipe a fraction of one). The result depends only on `setup` and `index`, never on the
 * chunking; null when cancelled first.
 */
export async function runFig9Graph(engine: ExperimentEngine, setup: Fig9Setup, index: number, control: GraphControl): Promise<Fig9Graph | null> {
  const now = control.now ?? (() => performance.now());
  const planned = setup.recipe.steps;
  const run = engine.fig9GraphRun(setup, index);
  try {
    let chunk = 1;
    while (!run.done()) {
      if (control.cancelled()) return null;
      const start = now();
      const ran = run.advance(chunk);
      const elapsed = now() - start;
      chunk = nextChunk(chunk, ran, elapsed);
      control.onSteps(run.done() ? planned : run.step(), planned);
      if (ran === 0) break;
      await control.yieldToEvents();
    }
    return run.result();
  } finally {
    run.dispose();
  }
}

/**
 * Runs the sweep of `setup` (the engine's fill-in of it: engine.fig9Setup()) one graph at a
 * time on one engine (the page spreads the graphs over a pool: web/experiment-pool.ts). A
 * cancel keeps the graphs finished so far, and the result says `cancelled`.
 */
export async function runFig9(engine: ExperimentEngine, setup: Fig9Setup, control: RunControl): Promise<Fig9Result> {
  const start = performance.now();
  const graphs = setup.settings.graphs;
  const measured: Fig9Graph[] = [];
  let cancelled = false;
  for (let g = 0; g < graphs && !cancelled; g++) {
    const graph = await runFig9Graph(engine, setup, g, {
      onSteps: (done, planned) =>
        control.onProgress({ fraction: (g + done / planned) / graphs, message: `graph ${g + 1} of ${graphs}: step ${done} of ${planned}` }),
      cancelled: control.cancelled,
      yieldToEvents: control.yieldToEvents,
    });
    if (graph) measured.push(graph);
    else cancelled = true;
  }
  return engine.summarizeFig9(setup, measured, cancelled, (performance.now() - start) / 1000);
}

// --- The two-parent figure ----------------------------------------------------------------------

// The heads sit on a plateau (both on i-1) and then split suddenly; natively the split came
// between steps 2000 and 6000 depending on the seed (seeds 0, 1, 2), so 8000 steps leave room.
export const PAPER2_RECIPE: Paper2Recipe = {
  S: 5,
  T: 32,
  alpha: 0.1,
  heads: [2, 1],
  optimizer: 'adam',
  lr: 0.02,
  batch: 128,
  steps: 8000,
  init_std: 0.1,
  seed: 1,
};

/** Trains `steps` steps in chunks of about CHUNK_MS (`pace` carries the chunk size from call to call), reporting progress; returns false when cancelled. */
async function train(engine: ExperimentEngine, steps: number, control: RunControl, report: (done: number) => void, pace = { chunk: 1 }): Promise<boolean> {
  let done = 0;
  while (done < steps) {
    if (control.cancelled()) return false;
    const chunk = Math.min(pace.chunk, steps - done);
    const start = performance.now();
    const ran = engine.step(chunk);
    pace.chunk = nextChunk(pace.chunk, ran, performance.now() - start);
    done += chunk;
    report(done);
    if (ran < chunk) break;  // diverged: keep what it learned
    await control.yieldToEvents();
  }
  return true;
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
    test_loss: metrics.test_loss,
    bayes_loss: metrics.bayes_loss,
    cancelled: !complete,
  };
}

// --- Figure 8 -----------------------------------------------------------------------------------

// The authors' recipe (tf_with_mlp.ipynb), as `cpg reproduce fig8` runs it (fig8_config in
// cpp/engine/reproduce.cpp; tests/web/experiments.test.ts checks that the two agree).
export const FIG8_RECIPE: Fig8Recipe = {
  model: 'standard',
  graph: 'chain',
  S: 10,
  T: 20,
  alpha: 0.1,
  heads: [1, 1],
  optimizer: 'adamw',
  lr: 0.01,
  wd: 2e-4,
  schedule: 'cosine',
  batch: 1024,
  steps: 4096,
  seed: 0,
  every: 256,
};

/** Trains the standard transformer with `recipe`, recording the data-view recovery and the loss above Bayes every `every` steps. */
export async function runFig8(engine: ExperimentEngine, recipe: Fig8Recipe, control: RunControl): Promise<Fig8Result> {
  const start = performance.now();
  const { every, ...config } = recipe;
  engine.configure({ ...config, test_size: 1024 });
  const curve: Fig8Result['curve'] = [];
  const record = () => {
    const m = engine.metrics();
    curve.push({ step: m.step, parent_recovery: m.parent_recovery_batch[0][0], loss_minus_bayes: m.test_loss - m.bayes_loss });
    return m;
  };
  let metrics = record();
  let done = 0;
  let complete = true;
  const pace = { chunk: 1 };
  while (done < recipe.steps) {
    const target = Math.min(recipe.steps, done + every);
    complete = await train(engine, target - done, control, (ran) =>
      control.onProgress({ fraction: (done + ran) / recipe.steps, message: `step ${done + ran} of ${recipe.steps}` }),
      pace,
    );
    done = target;
    metrics = record();
    if (!complete || metrics.diverged) break;
  }
  return {
    recipe,
    parents: engine.graph().parents,
    attention: Array.from(engine.attentionBatchView(0, 0)),
    parent_recovery: metrics.parent_recovery_batch[0][0],
    parent_recovery_view: 'data',
    test_loss: metrics.test_loss,
    bayes_loss: metrics.bayes_loss,
    loss_minus_bayes: metrics.test_loss - metrics.bayes_loss,
    curve,
    seconds: (performance.now() - start) / 1000,
    cancelled: !complete,
  };
}

/** The recipes Part 3 shows before its runs: Figure 9's two (the engine's, as `cpg reproduce fig9` uses), the two-parent run's and Figure 8's. */
export function experimentRecipes(engine: Pick<Engine, 'fig9Setup'>): Recipes {
  return { fig9: engine.fig9Setup(), fig9Paper: engine.fig9Setup({ recipe: { name: 'paper' } }), paper2: PAPER2_RECIPE, fig8: FIG8_RECIPE };
}
