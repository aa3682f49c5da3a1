// The science sections of the page: the key-lemma view and the one-click reproductions of the
// paper's figures. The experiments run on the pool of experiment workers (web/experiment-pool.ts),
// and the lemma's gradient evaluation and the recipes on the pool's helper worker, so the live
// run and the page stay responsive.
import type { ExperimentPool, Fig9Progress } from './experiment-pool';
import { download } from './export';
import './science.css';
import { shown, validateSetting, type Settings } from './settings';
import { AttentionPanel } from './views/attention-panel';
import { Fig9Chart } from './views/fig9-chart';
import { GraphView } from './views/graph-view';
import { LemmaPanel } from './views/lemma-view';
import { RateChart, rateRecipe, rateSummary, type RateChartData } from './views/rate-chart';
import { PAPER2_SLOT_NAMES } from './views/vocabulary';
import rateResult from './common/rate-result.json';
import type { EngineConfig, Experiment, Fig8Result, Fig9Recipe, Fig9Result, Fig9Setup, LemmaView, Paper2Result, Recipes, SingleExperiment } from './worker/protocol';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** Everything the sections computed, kept for the JSON export. */
export interface ScienceResults {
  lemma: (Omit<LemmaView, 'gradient' | 'mutual_information' | 'parent' | 'gradient_argmax' | 'scatter'> & Record<string, unknown>) | null;
  /** the last Figure 9 run */
  fig9: Fig9Result | null;
  /** the last Figure 9 run of each recipe (fast, paper) */
  fig9_by_recipe: Record<string, Fig9Result>;
  paper2: Paper2Result | null;
  fig8: Fig8Result | null;
}

/** One step of the authors' Figure 9 recipe in the WASM engine, CPU ms on a free core: two runs of bench/fig9-wasm-step.mjs on a 2-core AMD EPYC test machine. */
const AUTHORS_MS_PER_STEP = [7, 10];

const plain = (array: ArrayLike<number>) => Array.from(array);

/** The largest stage graph the lemma view evaluates (about a second in the worker). */
export const LEMMA_LIMITS = { S: 16, T: 32 };
/** The graphs the lemma is about: one parent per position (custom specs are checked by the engine). */
const SINGLE_PARENT_GRAPHS = new Set(['chain', 'icl', 'tree', 'dag', 'custom']);

/** The graph fields of a config: what the lemma view reads of the stage. */
type LemmaGraph = Pick<EngineConfig, 'graph' | 'S' | 'T' | 'q' | 'spec' | 'graph_seed'>;

/**
 * Which graph the lemma view shows for the stage's settings: the stage's own when it has one
 * parent per position and fits LEMMA_LIMITS; otherwise null and the reason.
 */
export function stageLemmaGraph(stage: Settings): { graph: LemmaGraph } | { graph: null; reason: string } {
  if (!SINGLE_PARENT_GRAPHS.has(stage.graph))
    return { graph: null, reason: `the stage's graph (${stage.graph}) gives some positions more than one parent, and the lemma is about one parent per position` };
  if (stage.S > LEMMA_LIMITS.S || stage.T > LEMMA_LIMITS.T)
    return { graph: null, reason: `the stage's graph (S = ${stage.S}, T = ${stage.T}) is larger than the lemma view evaluates (S ≤ ${LEMMA_LIMITS.S}, T ≤ ${LEMMA_LIMITS.T})` };
  return { graph: { graph: stage.graph, S: stage.S, T: stage.T, q: stage.q, spec: stage.spec, graph_seed: stage.graph_seed } };
}

/** The lemma's own graph, for the form's other choices and as the fallback. */
const LEMMA_OWN = { S: 5, T: 12, q: 0.5 };

export class ScienceSections {
  readonly results: ScienceResults = { lemma: null, fig9: null, fig9_by_recipe: {}, paper2: null, fig8: null };
  private readonly lemmaPanel = new LemmaPanel($('lemma'));
  private fig9Chart: Fig9Chart | null = null;
  private paper2Graph: GraphView | null = null;
  private paper2Attention: AttentionPanel | null = null;
  private fig8Attention: AttentionPanel | null = null;
  private running: Experiment | null = null;
  private recipes: Recipes | null = null;

  private enabled = false;
  /** Whether Part 3 has come near (its recipes are then asked for on every enable). */
  private reproduceSeen = false;
  private reproduceObserver: IntersectionObserver | null = null;
  /** Whether the lemma card has been on screen: from then on it follows the stage. */
  private lemmaSeen = false;
  /** The graph the lemma view last computed, so a new run of the same graph does not recompute. */
  private lemmaKey = '';
  private lemmaBusy: Promise<void> | null = null;

  constructor(
    private readonly pool: ExperimentPool,
    private readonly stage: () => Settings,
  ) {
    $('lemma-run').addEventListener('click', () => void this.computeLemma(true));
    $('fig9-run').addEventListener('click', () => void this.runFig9('fast'));
    $('fig9-run-paper').addEventListener('click', () => void this.runFig9('paper'));
    for (const experiment of ['paper2', 'fig8'] as const) $(`${experiment}-run`).addEventListener('click', () => void this.runSingle(experiment));
    $('lemma-graph').addEventListener('change', () => this.syncLemmaForm());
    this.syncLemmaForm();
    // Computed on first view, not at load: it costs about a second of the worker's time.
    if (typeof IntersectionObserver === 'function') {
      const observer = new IntersectionObserver((entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        observer.disconnect();
        this.lemmaSeen = true;
        void this.computeLemma(false);
      });
      observer.observe($('lemma-card'));
    }
    for (const experiment of ['fig9', 'paper2', 'fig8'] as const) {
      $(`${experiment}-cancel`).addEventListener('click', () => {
        this.pool.cancel();
        this.status(experiment, 'cancelling…');
      });
    }
    $('science-export').addEventListener('click', () => this.export());
    this.showRate(rateResult as RateChartData);
  }

  /** Called once the engine is ready. */
  enable(): void {
    this.enabled = true;
    if (this.lemmaSeen) void this.computeLemma(false);
    for (const id of ['lemma-run', 'paper2-run', 'fig8-run']) $<HTMLButtonElement>(id).disabled = false;
    // The recipes come from the engine's full module, which the worker loads on first need: ask
    // when Part 3 comes near, not as soon as Part 2 has loaded.
    if (this.reproduceSeen || typeof IntersectionObserver !== 'function') return this.loadRecipes();
    if (this.reproduceObserver) return;
    this.reproduceObserver = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      this.reproduceObserver?.disconnect();
      this.reproduceSeen = true;
      this.loadRecipes();
    }, { rootMargin: '50% 0px' });
    this.reproduceObserver.observe($('reproduce-card'));
  }

  private loadRecipes(): void {
    this.pool.recipes().then(
      (recipes) => {
        this.recipes = recipes;
        this.showRecipes(recipes);
        for (const id of ['fig9-run', 'fig9-run-paper']) $<HTMLButtonElement>(id).disabled = false;
      },
      (e: Error) => this.status('fig9', e.message),
    );
  }

  /** The recipes as the worker runs them (Figure 9's is the engine's, as `cpg reproduce fig9` uses). */
  private showRecipes({ fig9, fig9Paper, paper2, fig8 }: Recipes): void {
    $('fig8-recipe').textContent =
      `Recipe: the authors' (tf_with_mlp.ipynb), as cpg reproduce fig8 runs it: a standard transformer (added embeddings, ` +
      `value maps, MLPs) on the Markov chain with S = ${fig8.S}, T = ${fig8.T}, α = ${fig8.alpha}, heads 1,1; AdamW, learning rate ` +
      `${fig8.lr}, weight decay ${fig8.wd}, cosine schedule, batch ${fig8.batch}, ${fig8.steps} steps. ` +
      'It has no position block, so the map is the first layer’s attention averaged over the test set (the data view).';
    const { settings } = fig9;
    $('fig9-recipe').textContent =
      `Recipe: ${settings.graphs} graphs with q = ${settings.q}, S = ${settings.S}, T = ${settings.T}, α = ${settings.alpha}. ` +
      `The fast recipe: ${describeRecipe(fig9.recipe)} per graph (cpg reproduce fig9). ` +
      `The authors’ recipe: ${describeRecipe(fig9Paper.recipe)} per graph (cpg reproduce fig9 --recipe paper), ` +
      `${(fig9Paper.recipe.steps * fig9Paper.recipe.batch / (fig9.recipe.steps * fig9.recipe.batch)).toFixed(0)} times the sequences of the fast one. ` +
      'The paper reports a mean attention on the parent of 0.837 ± 0.054. ' +
      `The graphs are shared among this page’s experiment workers (${this.pool.size} here: one per core but one); the live run keeps its own. ` +
      `The authors’ recipe takes ${AUTHORS_MS_PER_STEP.join('–')} ms per step in WebAssembly on a free core (node bench/fig9-wasm-step.mjs), ` +
      `so ${AUTHORS_MS_PER_STEP.map((ms) => formatDuration((ms * fig9Paper.recipe.steps) / 1000)).join(' to ')} per graph and ` +
      `${AUTHORS_MS_PER_STEP.map((ms) => formatDuration((Math.ceil(settings.graphs / this.pool.size) * ms * fig9Paper.recipe.steps) / 1000)).join(' to ')} for the sweep here; ` +
      'the estimate while it runs is measured on this machine.';
    $('paper2-recipe').textContent =
      `Recipe: the paper's graph (parents (i−1) div 2 and i−1) with S = ${paper2.S}, T = ${paper2.T}, heads 2,1; ` +
      `Adam, learning rate ${paper2.lr}, init scale ${paper2.init_std}, batch ${paper2.batch}, ${paper2.steps} steps. ` +
      'The authors used AdamW for 65,536 steps.';
  }

  // --- the key lemma ----------------------------------------------------------------------

  /** The stage started a new run: follow its graph if the lemma view shows the stage's. */
  stageChanged(): void {
    this.syncLemmaForm();
    if (this.lemmaSeen) void this.computeLemma(false);
  }

  /** The graph seed applies to the lemma's own random graphs only. */
  private syncLemmaForm(): void {
    const graph = $<HTMLSelectElement>('lemma-graph').value;
    $<HTMLInputElement>('lemma-graph-seed').disabled = graph !== 'tree' && graph !== 'dag';
  }

  /**
   * Computes the lemma view for the form's settings. `asked` is a click on Compute: it always
   * computes; otherwise (first view, a new stage graph) only when the graph or α changed.
   */
  private async computeLemma(asked: boolean): Promise<void> {
    if (!this.enabled) return;
    if (this.lemmaBusy) {
      // One evaluation at a time; the latest wish runs after it.
      await this.lemmaBusy;
      return this.computeLemma(asked);
    }
    const error = $('lemma-error');
    const read = (id: string, key: 'graph_seed' | 'lr' | 'alpha', label: string, low: number, high: number) => {
      const raw = $<HTMLInputElement>(id).value.trim();
      const value = Number(raw);
      if (raw === '' || !Number.isFinite(value) || value < low || value > high) throw new Error(`${label} must be a number in [${low}, ${high}] (got '${shown(raw)}')`);
      if (key !== 'lr') {
        const checked = validateSetting(key, raw, label);
        if ('error' in checked) throw new Error(checked.error);
      }
      return value;
    };
    const button = $<HTMLButtonElement>('lemma-run');
    let release = () => {};
    this.lemmaBusy = new Promise<void>((resolve) => (release = resolve));
    try {
      const choice = $<HTMLSelectElement>('lemma-graph').value;
      const alpha = read('lemma-alpha', 'alpha', 'α', 0.001, 100);
      const graphSeed = read('lemma-graph-seed', 'graph_seed', 'graph seed', 0, 4294967295);
      const beta = read('lemma-beta', 'lr', 'β', 0.001, 100);
      const w = read('lemma-w', 'lr', 'w', 0.001, 100);
      const own = (graph: string): LemmaGraph => ({ graph, ...LEMMA_OWN, graph_seed: graphSeed });
      let graph: LemmaGraph;
      let source: string;
      if (choice === 'stage') {
        const fit = stageLemmaGraph(this.stage());
        graph = fit.graph ?? own('tree');
        source = fit.graph
          ? `The graph on the stage: ${graph.graph}, S = ${graph.S}, T = ${graph.T}, α = ${alpha}.`
          : `Showing a random tree (S = ${LEMMA_OWN.S}, T = ${LEMMA_OWN.T}, graph seed ${graphSeed}, α = ${alpha}): ${fit.reason}.`;
      } else {
        graph = own(choice);
        source = `A ${choice === 'icl' ? 'graph of in-context pairs' : choice === 'dag' ? 'random DAG' : choice === 'tree' ? 'random tree' : 'chain'} with S = ${graph.S}, T = ${graph.T}, α = ${alpha}.`;
      }
      const key = JSON.stringify({ graph, alpha, beta, w });
      if (!asked && key === this.lemmaKey) return;
      error.hidden = true;
      button.disabled = true;
      button.textContent = 'Computing…';
      $('lemma-source').textContent = `Computing: ${source}`;
      // On a worker of the pool: the live run does not pause for it.
      const view = await this.pool.lemma({ ...graph, alpha, seed: 0 }, { beta, w, batch: 8192 });
      this.lemmaKey = key;
      this.lemmaPanel.update({ view });
      $('lemma-source').textContent = source;
      this.results.lemma = {
        S: view.S, T: view.T, loss: view.loss, parents: view.parents, parent_hits: view.parent_hits,
        positions_with_parent: view.positions_with_parent, pearson_row_centred: view.pearson_row_centred,
        gradient: plain(view.gradient), mutual_information: plain(view.mutual_information),
        settings: { graph: graph.graph, spec: graph.spec, graph_seed: graph.graph_seed, alpha, beta, w },
      };
      $<HTMLButtonElement>('science-export').disabled = false;
    } catch (e) {
      error.textContent = (e as Error).message;
      error.hidden = false;
      $('lemma-source').textContent = '';
    } finally {
      button.disabled = false;
      button.textContent = 'Compute';
      this.lemmaBusy = null;
      release();
    }
  }

  // --- the theorem's rate (measured natively, drawn from its committed JSON) -----------------

  private showRate(data: RateChartData): void {
    new RateChart($('rate-chart')).update(data);
    $('rate-summary').textContent = rateSummary(data);
    $('rate-recipe').textContent = rateRecipe(data);
  }

  // --- the paper's experiments ---------------------------------------------------------------

  private begin(experiment: Experiment): boolean {
    const names: Record<Experiment, string> = { fig9: 'Figure 9 sweep', paper2: 'two-parent run', fig8: 'Figure 8 run' };
    if (this.running) {
      this.status(experiment, `Wait for the ${names[this.running]} to finish, or cancel it.`);
      return false;
    }
    this.running = experiment;
    for (const id of experiment === 'fig9' ? ['fig9-run', 'fig9-run-paper'] : [`${experiment}-run`]) $(id).hidden = true;
    $(`${experiment}-cancel`).hidden = false;
    const bar = $<HTMLProgressElement>(`${experiment}-progress`);
    bar.hidden = false;
    bar.value = 0;
    this.status(experiment, 'starting the experiment workers…');
    return true;
  }

  /** Buttons back, whatever happened (a result, a cancel, a failure). */
  private end(experiment: Experiment): void {
    this.running = null;
    for (const id of experiment === 'fig9' ? ['fig9-run', 'fig9-run-paper'] : [`${experiment}-run`]) $(id).hidden = false;
    $(`${experiment}-cancel`).hidden = true;
  }

  private async runFig9(recipe: 'fast' | 'paper'): Promise<void> {
    const chosen: Fig9Setup | undefined = recipe === 'paper' ? this.recipes?.fig9Paper : this.recipes?.fig9;
    if (!chosen || !this.begin('fig9')) return;
    const setup = reducedForTests(chosen);
    this.fig9Chart ??= new Fig9Chart($('fig9-chart'));
    const chart = this.fig9Chart;
    const name = recipeName(chosen.recipe);
    chart.update({ per_position: { mean: new Array(setup.settings.T).fill(null), std: [], graphs: new Array(setup.settings.T).fill(0) }, per_graph: [], paper: { mean: 0.837, std: 0.054 } }, setup.settings.graphs);
    $('fig9-result').textContent = '';
    $('fig9-chart-title').textContent = `Running: ${name}`;
    try {
      const result = await this.pool.runFig9(setup, {
        onProgress: (progress) => {
          $<HTMLProgressElement>('fig9-progress').value = progress.fraction;
          this.status('fig9', fig9ProgressText(name, progress));
        },
        onGraph: (partial) => chart.update(partial, setup.settings.graphs),
      });
      this.results.fig9 = result;
      if (result.per_graph.length > 0) this.results.fig9_by_recipe[recipe] = result;
      chart.update(result, setup.settings.graphs);
      $('fig9-chart-title').textContent = `${name}: ${result.per_graph.length} of ${setup.settings.graphs} graphs${result.cancelled ? ' (cancelled)' : ''}`;
      const partial = result.cancelled ? ' (cancelled: partial result)' : '';
      $('fig9-result').textContent = result.per_graph.length
        ? `${capitalized(name)}: mean attention on the parent ${result.mean.toFixed(3)} ± ${result.std.toFixed(3)} over ${result.graphs} graphs${partial}, ` +
          `in ${formatDuration(result.seconds)}. The paper: ${result.paper.mean.toFixed(3)} ± ${result.paper.std.toFixed(3)}.`
        : 'Cancelled before the first graph finished.';
      this.status('fig9', result.cancelled ? 'cancelled' : 'done');
      this.renderFig9Comparison();
      $<HTMLButtonElement>('science-export').disabled = false;
    } catch (e) {
      this.status('fig9', `Figure 9 stopped: ${(e as Error).message}`);
      $('fig9-chart-title').textContent = `${name}: stopped by an error`;
    } finally {
      this.end('fig9');
    }
  }

  /** The recipes run so far, side by side, with the paper's reported figure. */
  private renderFig9Comparison(): void {
    const table = $<HTMLTableElement>('fig9-compare');
    const body = table.tBodies[0];
    const rows: HTMLTableRowElement[] = [];
    const cells = (...texts: string[]) => {
      const row = document.createElement('tr');
      texts.forEach((text, i) => {
        const cell = document.createElement(i === 0 ? 'th' : 'td');
        if (i === 0) cell.scope = 'row';
        cell.textContent = text;
        row.append(cell);
      });
      return row;
    };
    for (const key of ['fast', 'paper']) {
      const result = this.results.fig9_by_recipe[key];
      const setup = key === 'paper' ? this.recipes?.fig9Paper : this.recipes?.fig9;
      const label = setup ? `${recipeName(setup.recipe)}: ${describeRecipe(result?.recipe ?? setup.recipe)}` : key;
      if (!result) {
        rows.push(cells(label, 'not run yet', '', '', '', ''));
        continue;
      }
      const gaps = result.per_graph.map((graph) => graph.test_loss - graph.bayes_loss);
      const meanGap = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
      rows.push(
        cells(
          label,
          `${result.mean.toFixed(3)} ± ${result.std.toFixed(3)}`,
          `${meanGap.toFixed(4)} / ${Math.max(...gaps).toFixed(4)}`,
          `${result.per_graph.length} of ${result.settings.graphs}${result.cancelled ? ' (cancelled)' : ''}${result.diverged_graphs ? `, ${result.diverged_graphs} diverged` : ''}`,
          formatDuration(result.seconds),
        ),
      );
      rows[rows.length - 1].dataset.recipe = key;
    }
    rows.push(cells('the paper (reported)', '0.837 ± 0.054', '', '20', ''));
    body.replaceChildren(...rows);
    table.hidden = false;
  }

  private async runSingle(experiment: SingleExperiment): Promise<void> {
    if (!this.begin(experiment)) return;
    try {
      const result = await this.pool.runSingle(experiment, ({ fraction, steps, planned }) => {
        $<HTMLProgressElement>(`${experiment}-progress`).value = fraction;
        this.status(experiment, `step ${steps} of ${planned}`);
      });
      this.finished(experiment, result);
    } catch (e) {
      this.status(experiment, `The run stopped: ${(e as Error).message}`);
    } finally {
      this.end(experiment);
    }
  }

  private finished(experiment: SingleExperiment, result: Paper2Result | Fig8Result): void {
    $<HTMLButtonElement>('science-export').disabled = false;
    const partial = result.cancelled ? ' (cancelled: partial result)' : '';
    if (experiment === 'fig8') {
      const fig8 = result as Fig8Result;
      this.results.fig8 = fig8;
      const T = fig8.recipe.T;
      this.fig8Attention ??= new AttentionPanel($('fig8-attention'));
      this.fig8Attention.update({ T, heads: [Float64Array.from(fig8.attention)], parents: fig8.parents, view: 'data', recovery: [[fig8.parent_recovery]] });
      $('fig8-result').textContent =
        `Parent recovery (data view): ${fig8.parent_recovery.toFixed(3)}; test loss above Bayes: ${fig8.loss_minus_bayes.toFixed(4)} nats ` +
        `after ${fig8.curve.at(-1)?.step ?? 0} steps, ${fig8.seconds.toFixed(0)} s${partial}. The paper's Figure 8 shows the same first-layer pattern: each position attends to the one before.`;
      this.status('fig8', result.cancelled ? 'cancelled' : 'done');
    } else {
      const paper2 = result as Paper2Result;
      this.results.paper2 = paper2;
      const T = paper2.recipe.T;
      this.paper2Graph ??= new GraphView($('paper2-graph'), {});
      this.paper2Graph.update({ graph: { T, multi_parent: true, parents: paper2.parents, name: 'paper2' }, S: paper2.recipe.S, editable: false });
      this.paper2Attention ??= new AttentionPanel($('paper2-attention'));
      this.paper2Attention.update({ T, heads: paper2.heads.map((h) => Float64Array.from(h)), parents: paper2.parents, view: 'parameter', recovery: paper2.recovery, slotNames: [...PAPER2_SLOT_NAMES] });
      const best = paper2.recovery.map((slots) => slots.indexOf(Math.max(...slots)));
      const names = PAPER2_SLOT_NAMES;
      $('paper2-result').textContent =
        paper2.recovery.map((slots, h) => `head ${h + 1} → parent ${names[best[h]]} (${Math.max(...slots).toFixed(2)})`).join(' · ') +
        (best[0] !== best[1] ? ': the heads split the parents.' : ': both heads chose the same parent.') +
        ` Test loss ${paper2.test_loss.toFixed(3)}, Bayes ${paper2.bayes_loss.toFixed(3)}${partial}.`;
      this.status('paper2', result.cancelled ? 'cancelled' : 'done');
    }
  }

  private status(experiment: Experiment, message: string): void {
    $(`${experiment}-status`).textContent = message;
  }

  private export(): void {
    const json = JSON.stringify({ format: 'causal-structure-playground/science', version: 1, exported_at: new Date().toISOString(), ...this.results });
    download(new Blob([json], { type: 'application/json' }), 'causal-playground-science.json');
  }
}

/**
 * The browser tests' hook: `window.__cpgFig9Budget = {graphs, steps}` set before the page loads
 * shrinks both recipes (the engine then names the recipe "custom" in the result).
 */
function reducedForTests(setup: Fig9Setup): Fig9Setup {
  const budget = (globalThis as { __cpgFig9Budget?: { graphs?: number; steps?: number } }).__cpgFig9Budget;
  if (!budget) return setup;
  return {
    settings: { ...setup.settings, graphs: budget.graphs ?? setup.settings.graphs },
    recipe: { ...setup.recipe, steps: budget.steps ?? setup.recipe.steps },
  };
}

// --- words for Figure 9's recipes and progress -----------------------------------------------

function recipeName(recipe: Fig9Recipe): string {
  return recipe.name === 'paper' ? 'the authors’ recipe' : recipe.name === 'fast' ? 'the fast recipe' : 'a custom recipe';
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "SGD, learning rate 4 with a cosine decay, batch 64, 8,000 steps" */
export function describeRecipe(recipe: Fig9Recipe): string {
  const optimizer = recipe.optimizer === 'adam' ? 'Adam' : recipe.optimizer === 'adamw' ? 'AdamW' : recipe.optimizer.toUpperCase();
  const schedule = recipe.schedule === 'cosine' ? ' with a cosine decay' : ' constant';
  return `${optimizer}, learning rate ${recipe.lr}${schedule}, batch ${recipe.batch}, ${recipe.steps.toLocaleString('en-US')} steps`;
}

/** "1 h 05 min", "3 min 20 s", "42 s" */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

/** "The fast recipe: 3 of 20 graphs done on 3 workers · step 24,000 of 160,000 · 1,850 steps/s · about 4 min 10 s left" */
export function fig9ProgressText(name: string, progress: Fig9Progress): string {
  const workers = `${progress.workers} worker${progress.workers === 1 ? '' : 's'}`;
  const rate = progress.stepsPerSecond === null ? 'measuring the step rate…' : `${Math.round(progress.stepsPerSecond).toLocaleString('en-US')} steps/s`;
  const eta = progress.etaSeconds === null ? '' : ` · about ${formatDuration(progress.etaSeconds)} left`;
  const steps = `step ${progress.steps.toLocaleString('en-US')} of ${progress.totalSteps.toLocaleString('en-US')}`;
  return `${capitalized(name)}: ${progress.graphsDone} of ${progress.graphs} graphs done on ${workers} · ${steps} · ${rate}${eta}`;
}
