// The out-of-distribution probe (the paper's corollary): the model, trained on transition laws
// drawn from a Dirichlet prior, predicts sequences drawn from one fixed law pi~ that it never saw.
// The panel picks or draws pi~ as a small editable grid, asks the worker to probe, and shows
// the mean error of the model next to in-context counting and the uniform guess, with one
// example query: pi~'s row, the model's prediction and the counts.
import type { TrainingClient } from '../client';
import { formatLoss } from '../views/vocabulary';
import type { ProbeResult, ResolvedConfig } from '../worker/protocol';
import { el, showFieldError } from './dom';

type LawChoice = 'cycle' | 'sticky' | 'random' | 'custom';

/** The grid is editable up to this S; larger vocabularies use the named laws only. */
export const MAX_GRID_S = 8;

/** A named law as the engine builds it (random is drawn by the engine: null here). */
export function namedLaw(name: 'cycle' | 'sticky', S: number): number[][] {
  return Array.from({ length: S }, (_, r) =>
    Array.from({ length: S }, (_, c) => (name === 'cycle' ? (c === (r + 1) % S ? 1 : 0) : r === c ? 0.9 : 0.1 / (S - 1))),
  );
}

/** Reads the grid's text: S rows of S numbers, each row summing to 1; a message names the first bad cell. */
export function readGrid(cells: string[][]): { rows: number[][] } | { error: string } {
  const rows: number[][] = [];
  for (let r = 0; r < cells.length; r++) {
    const row: number[] = [];
    for (let c = 0; c < cells[r].length; c++) {
      const value = Number(cells[r][c].trim());
      if (cells[r][c].trim() === '' || !Number.isFinite(value) || value < 0)
        return { error: `pi~[${r}][${c}] must be a number >= 0 (got ${cells[r][c].slice(0, 20) || 'nothing'})` };
      row.push(value);
    }
    const sum = row.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-6) return { error: `pi~ row ${r} must sum to 1 (got ${Number(sum.toFixed(6))})` };
    rows.push(row);
  }
  return { rows };
}

export class ProbePanel {
  readonly element: HTMLElement;
  private readonly law = el('select', { id: 'probe-law', 'data-testid': 'probe-law' },
    el('option', { value: 'cycle', text: 'deterministic cycle (s → s+1)' }),
    el('option', { value: 'sticky', text: 'sticky chain (stay with 0.9)' }),
    el('option', { value: 'random', text: 'random draw, another α' }),
    el('option', { value: 'custom', text: 'my own (edit the grid)' }));
  private readonly alpha = el('input', { id: 'probe-alpha', value: '1', inputmode: 'decimal', size: '5' });
  /** The α of "random draw", shown only with that law (the others have no α). */
  private readonly alphaField = el('span', { class: 'probe-alpha' }, el('label', { for: 'probe-alpha', text: 'α of the draw' }), this.alpha);
  private readonly sequences = el('input', { id: 'probe-sequences', value: '1000', inputmode: 'numeric', size: '6' });
  private readonly grid = el('div', { class: 'probe-grid', role: 'group', 'aria-label': 'pi~, one row per token' });
  private readonly error = el('p', { class: 'field-error', role: 'alert' });
  private readonly result = el('p', { class: 'experiment-result', 'data-testid': 'ood-result', 'aria-live': 'polite' });
  private readonly example = el('div', { class: 'probe-example' });
  private readonly run = el('button', { type: 'button', 'data-testid': 'probe-run', text: 'Probe' });
  private S = 0;
  private multiParent = false;

  constructor(private readonly client: TrainingClient) {
    this.error.hidden = true;
    this.law.addEventListener('change', () => this.fillGrid());
    this.run.addEventListener('click', () => void this.probe());
    this.element = el(
      'div',
      { class: 'lab-probe', 'data-testid': 'ood-probe' },
      el('h3', { text: 'Probe out of distribution' }),
      el('p', { class: 'explain', text: 'The model only ever saw transition tables drawn at random. Give it sequences from one fixed table π̃ it never saw: if it learned the graph and to count in context, its prediction follows π̃ about as well as counting does. The error is the largest gap between a prediction and π̃’s row, averaged over the sequences.' }),
      el('div', { class: 'lab-row' }, el('label', { for: 'probe-law', text: 'π̃' }), this.law, this.alphaField),
      this.grid,
      el('div', { class: 'lab-row' }, el('label', { for: 'probe-sequences', text: 'Sequences' }), this.sequences, this.run),
      this.error,
      this.result,
      this.example,
    );
  }

  /** The run's config: the grid follows S; multi-parent tasks cannot be probed with one table. */
  setConfig(config: ResolvedConfig | null, multiParent: boolean): void {
    if (!config) return;
    this.multiParent = multiParent;
    this.run.disabled = multiParent;
    if (multiParent) showFieldError(this.error, 'The probe needs a single-parent task (chain, icl, tree, dag): one table π̃ per graph.');
    else if (this.error.textContent?.startsWith('The probe needs')) showFieldError(this.error, '');
    if (config.S !== this.S) {
      this.S = config.S;
      this.fillGrid();
    }
  }

  private fillGrid(): void {
    const choice = this.law.value as LawChoice;
    this.alphaField.hidden = choice !== 'random';
    const custom = this.law.querySelector<HTMLOptionElement>('option[value="custom"]')!;
    custom.disabled = this.S > MAX_GRID_S;
    if (this.S > MAX_GRID_S) {
      this.grid.replaceChildren(el('p', { class: 'explain', text: `With S = ${this.S} tokens the table is too large to edit here (up to S = ${MAX_GRID_S}); the named laws and the random draw work at any S.` }));
      if (choice === 'custom') {
        this.law.value = 'cycle';
        this.alphaField.hidden = true;
      }
      return;
    }
    const values = choice === 'cycle' || choice === 'sticky' ? namedLaw(choice, this.S) : null;
    const previous = this.cells();
    this.grid.replaceChildren(
      ...Array.from({ length: this.S }, (_, r) =>
        el('div', { class: 'probe-grid-row' },
          ...Array.from({ length: this.S }, (_, c) => {
            const text = values ? String(Number(values[r][c].toFixed(4))) : previous[r]?.[c] ?? String(Number((1 / this.S).toFixed(6)));
            const input = el('input', { value: text, inputmode: 'decimal', size: '4', 'aria-label': `π̃ from ${r} to ${c}` });
            input.readOnly = choice !== 'custom';
            return input;
          })),
      ),
    );
  }

  private cells(): string[][] {
    return [...this.grid.querySelectorAll('.probe-grid-row')].map((row) => [...row.querySelectorAll('input')].map((input) => input.value));
  }

  private async probe(): Promise<void> {
    if (this.multiParent) return;
    const choice = this.law.value as LawChoice;
    const sequences = Number(this.sequences.value.trim());
    if (!Number.isInteger(sequences) || sequences < 1 || sequences > 100000)
      return showFieldError(this.error, `sequences must be an integer in [1, 100000] (got ${this.sequences.value.slice(0, 20)})`);
    const lawAlpha = Number(this.alpha.value.trim());
    if (choice === 'random' && !(lawAlpha >= 0.001 && lawAlpha <= 100))
      return showFieldError(this.error, `α must be in [0.001, 100] (got ${this.alpha.value.slice(0, 20)})`);
    let law: 'cycle' | 'sticky' | 'random' | number[][] = choice === 'custom' ? 'cycle' : choice;
    if (choice === 'custom') {
      const read = readGrid(this.cells());
      if ('error' in read) return showFieldError(this.error, read.error);
      law = read.rows;
    }
    showFieldError(this.error, '');
    this.run.disabled = true;
    try {
      this.show(await this.client.probe({ law, lawAlpha: choice === 'random' ? lawAlpha : 0.1, sequences, seed: 0 }));
    } catch (error) {
      showFieldError(this.error, (error as Error).message);
    } finally {
      this.run.disabled = this.multiParent;
    }
  }

  private show(result: ProbeResult): void {
    const { error } = result;
    this.result.textContent =
      `Over ${result.sequences.toLocaleString('en-US')} sequences from π̃: the model is off by ${formatLoss(error.model)} on average, ` +
      `counting in context by ${formatLoss(error.counts)}, the uniform guess by ${formatLoss(error.uniform)}.`;
    const S = result.example.truth.length;
    const query = result.example.tokens[result.example.tokens.length - 1];
    const rows: [string, ArrayLike<number>][] = [
      [`π̃(· | ${query})`, result.example.truth],
      ['model', result.example.model],
      ['counts', result.example.counts],
    ];
    this.example.replaceChildren(
      el('p', { class: 'explain', text: `One sequence, query token ${query}: the next-token distribution, three ways.` }),
      ...rows.map(([label, values]) =>
        el('div', { class: 'probe-bars' }, el('span', { class: 'lab-label', text: label }),
          ...Array.from({ length: S }, (_, s) => {
            const bar = el('span', { class: 'probe-bar', title: `${label}: token ${s}: ${values[s].toFixed(3)}` });
            bar.style.setProperty('--value', String(Math.max(0, Math.min(1, values[s]))));
            return bar;
          })),
      ),
    );
    // If this was a random draw, show the table the engine drew in the grid.
    if (this.law.value === 'random' && this.S <= MAX_GRID_S) {
      const inputs = [...this.grid.querySelectorAll('input')];
      inputs.forEach((input, k) => (input.value = String(Number(result.law[k].toFixed(4)))));
    }
  }
}
