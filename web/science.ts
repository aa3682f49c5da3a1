// The science sections of the page: the key-lemma view and the one-click reproductions of the
// paper's figures. Both run in the worker (the lemma's gradient evaluation, the experiments on
// an engine of their own), so the live run and the page stay responsive.
import type { TrainingClient } from './client';
import { download } from './export';
import { shown, validateSetting } from './settings';
import { AttentionPanel } from './views/attention-panel';
import { Fig9Chart } from './views/fig9-chart';
import { GraphView } from './views/graph-view';
import { LemmaPanel } from './views/lemma-view';
import { PAPER2_SLOT_NAMES } from './views/vocabulary';
import type { Experiment, Fig8Result, Fig9Result, LemmaView, Paper2Result, Recipes } from './worker/protocol';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** Everything the sections computed, kept for the JSON export. */
export interface ScienceResults {
  lemma: (Omit<LemmaView, 'gradient' | 'mutual_information' | 'parent' | 'gradient_argmax' | 'scatter'> & Record<string, unknown>) | null;
  fig9: Fig9Result | null;
  paper2: Paper2Result | null;
  fig8: Fig8Result | null;
}

const plain = (array: ArrayLike<number>) => Array.from(array);

export class ScienceSections {
  readonly results: ScienceResults = { lemma: null, fig9: null, paper2: null, fig8: null };
  private readonly lemmaPanel = new LemmaPanel($('lemma'));
  private fig9Chart: Fig9Chart | null = null;
  private paper2Graph: GraphView | null = null;
  private paper2Attention: AttentionPanel | null = null;
  private fig8Attention: AttentionPanel | null = null;
  private running: Experiment | null = null;

  constructor(private readonly client: TrainingClient) {
    $('lemma-run').addEventListener('click', () => void this.computeLemma());
    for (const experiment of ['fig9', 'paper2', 'fig8'] as const) {
      $(`${experiment}-run`).addEventListener('click', () => void this.start(experiment));
      $(`${experiment}-cancel`).addEventListener('click', () => void this.client.cancelReproduce().catch((e: Error) => this.status(experiment, e.message)));
    }
    $('science-export').addEventListener('click', () => this.export());
    client.on('progress', ({ experiment, fraction, message }) => {
      const bar = $<HTMLProgressElement>(`${experiment}-progress`);
      bar.hidden = false;
      bar.value = fraction;
      this.status(experiment, message);
    });
    client.on('reproduced', ({ experiment, result }) => this.finished(experiment, result));
  }

  /** Called once the engine is ready. */
  enable(): void {
    for (const id of ['lemma-run', 'fig9-run', 'paper2-run', 'fig8-run']) $<HTMLButtonElement>(id).disabled = false;
    this.client.recipes().then(
      (recipes) => this.showRecipes(recipes),
      (e: Error) => this.status('fig9', e.message),
    );
  }

  /** The recipes as the worker runs them (Figure 9's is the engine's, as `cpg reproduce fig9` uses). */
  private showRecipes({ fig9, paper2, fig8 }: Recipes): void {
    $('fig8-recipe').textContent =
      `Recipe: the authors' (tf_with_mlp.ipynb), as cpg reproduce fig8 runs it: a standard transformer (added embeddings, ` +
      `value maps, MLPs) on the Markov chain with S = ${fig8.S}, T = ${fig8.T}, α = ${fig8.alpha}, heads 1,1; AdamW, learning rate ` +
      `${fig8.lr}, weight decay ${fig8.wd}, cosine schedule, batch ${fig8.batch}, ${fig8.steps} steps. ` +
      'It has no position block, so the map is the first layer’s attention averaged over the test set (the data view).';
    const { settings, recipe } = fig9;
    $('fig9-recipe').textContent =
      `Recipe: ${settings.graphs} graphs with q = ${settings.q}, S = ${settings.S}, T = ${settings.T}, α = ${settings.alpha}; ` +
      `${recipe.optimizer === 'adam' ? 'Adam' : 'SGD'}, learning rate ${recipe.lr}${recipe.schedule === 'cosine' ? ' with a cosine decay' : ''}, batch ${recipe.batch}, ` +
      `${recipe.steps} steps per graph, as cpg reproduce fig9 runs it. The authors used SGD with learning rate 1, batch 1024 and 16,384 steps per graph, ` +
      'and report a mean attention on the parent of 0.837 ± 0.054.';
    $('paper2-recipe').textContent =
      `Recipe: the paper's graph (parents (i−1) div 2 and i−1) with S = ${paper2.S}, T = ${paper2.T}, heads 2,1; ` +
      `Adam, learning rate ${paper2.lr}, init scale ${paper2.init_std}, batch ${paper2.batch}, ${paper2.steps} steps. ` +
      'The authors used AdamW for 65,536 steps.';
  }

  // --- the key lemma ----------------------------------------------------------------------

  private async computeLemma(): Promise<void> {
    const error = $('lemma-error');
    error.hidden = true;
    const read = (id: string, key: 'graph_seed' | 'lr', label: string, low: number, high: number) => {
      const raw = $<HTMLInputElement>(id).value.trim();
      const value = Number(raw);
      if (raw === '' || !Number.isFinite(value) || value < low || value > high) throw new Error(`${label} must be a number in [${low}, ${high}] (got '${shown(raw)}')`);
      if (key === 'graph_seed') {
        const checked = validateSetting('graph_seed', raw, label);
        if ('error' in checked) throw new Error(checked.error);
      }
      return value;
    };
    const button = $<HTMLButtonElement>('lemma-run');
    try {
      const graph = $<HTMLSelectElement>('lemma-graph').value;
      const graphSeed = read('lemma-graph-seed', 'graph_seed', 'graph seed', 0, 4294967295);
      const beta = read('lemma-beta', 'lr', 'β', 0.001, 100);
      const w = read('lemma-w', 'lr', 'w', 0.001, 100);
      button.disabled = true;
      button.textContent = 'Computing…';
      const view = await this.client.lemma({ graph, S: 5, T: 12, alpha: 0.5, q: 0.5, graph_seed: graphSeed, seed: 0 }, { beta, w, batch: 8192 });
      this.lemmaPanel.update({ view });
      this.results.lemma = {
        S: view.S, T: view.T, loss: view.loss, parents: view.parents, parent_hits: view.parent_hits,
        positions_with_parent: view.positions_with_parent, pearson_row_centred: view.pearson_row_centred,
        gradient: plain(view.gradient), mutual_information: plain(view.mutual_information), settings: { graph, graphSeed, beta, w },
      };
      $<HTMLButtonElement>('science-export').disabled = false;
    } catch (e) {
      error.textContent = (e as Error).message;
      error.hidden = false;
    } finally {
      button.disabled = false;
      button.textContent = 'Compute';
    }
  }

  // --- the paper's experiments ---------------------------------------------------------------

  private async start(experiment: Experiment): Promise<void> {
    const names: Record<Experiment, string> = { fig9: 'Figure 9 sweep', paper2: 'two-parent run', fig8: 'Figure 8 run' };
    if (this.running) return this.status(experiment, `Wait for the ${names[this.running]} to finish, or cancel it.`);
    try {
      await this.client.reproduce(experiment);
      this.running = experiment;
      $(`${experiment}-run`).hidden = true;
      $(`${experiment}-cancel`).hidden = false;
      this.status(experiment, 'starting…');
    } catch (e) {
      this.status(experiment, (e as Error).message);
    }
  }

  private finished(experiment: Experiment, result: Fig9Result | Paper2Result | Fig8Result): void {
    this.running = null;
    $(`${experiment}-run`).hidden = false;
    $(`${experiment}-cancel`).hidden = true;
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
    } else if (experiment === 'fig9') {
      const fig9 = result as Fig9Result;
      this.results.fig9 = fig9;
      this.fig9Chart ??= new Fig9Chart($('fig9-chart'));
      this.fig9Chart.update(fig9);
      $('fig9-result').textContent = fig9.per_graph.length
        ? `Mean attention on the parent: ${fig9.mean.toFixed(3)} ± ${fig9.std.toFixed(3)} over ${fig9.graphs} graphs${partial}. ` +
          `The paper: ${fig9.paper.mean.toFixed(3)} ± ${fig9.paper.std.toFixed(3)}.`
        : `Cancelled before the first graph finished.`;
      this.status('fig9', result.cancelled ? 'cancelled' : 'done');
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
