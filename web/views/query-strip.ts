// The last layer's query attention over one sample sequence: the tokens as a row of boxes
// (the query, last, filled dark), and under each a bar whose height and viridis colour are the
// query's attention to that position, one row of bars per last-layer head. The positions an
// induction head should attend to (right after an earlier copy of the query token) are
// outlined. Built once per shape; an update only restyles the bars.

import { interpolateViridis } from 'd3-scale-chromatic';
import { formatValue, tokenSymbol } from './vocabulary';
import './views.css';

export { tokenSymbol } from './vocabulary';

export interface QueryStripData {
  /** (T) the sample sequence; the last is the query */
  tokens: ArrayLike<number>;
  /** per last-layer head, (T): the query's attention over positions 0..T-1 */
  attention: Float64Array[];
  /** positions whose parent token equals the query token (where an induction head should look) */
  highlight?: number[];
  /** Vocabulary size (letters when S <= 26). Optional: inferred from the tokens when absent. */
  S?: number;
}

// --- DOM-free helpers --------------------------------------------------------------------------

/** The vocabulary size to name tokens by: S when given, else one more than the largest token. */
export function vocabularySize(tokens: ArrayLike<number>, S?: number): number {
  if (S !== undefined && Number.isInteger(S) && S > 0) return S;
  let largest = -1;
  for (let i = 0; i < tokens.length; i++) if (tokens[i] > largest) largest = tokens[i];
  return largest + 1;
}

/** Bar height as a fraction of the box: the weight clamped to [0, 1]; 0 for values that are not finite. */
export function barFraction(weight: number): number {
  if (!Number.isFinite(weight)) return 0;
  return weight < 0 ? 0 : weight > 1 ? 1 : weight;
}

/** The position a head attends to most (-1 when there is no finite weight). */
export function peakPosition(attention: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < attention.length; i++) if (Number.isFinite(attention[i]) && (best < 0 || attention[i] > attention[best])) best = i;
  return best;
}

// --- The view ----------------------------------------------------------------------------------

interface Column {
  element: HTMLElement;
  token: HTMLElement;
  bars: HTMLElement[];
}

export class QueryStrip {
  private readonly root: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly row: HTMLElement;
  private readonly labels: HTMLElement;
  private readonly summary: HTMLElement;
  private columns: Column[] = [];
  private shapeKey = '';
  private highlightKey = '';

  constructor(container: HTMLElement) {
    const doc = container.ownerDocument;
    this.root = doc.createElement('figure');
    this.root.className = 'qs';
    this.scroller = doc.createElement('div');
    this.scroller.className = 'qs-scroll';
    this.labels = doc.createElement('div');
    this.labels.className = 'qs-labels';
    this.labels.setAttribute('aria-hidden', 'true');
    this.row = doc.createElement('div');
    this.row.className = 'qs-row';
    this.row.setAttribute('role', 'list');
    this.row.setAttribute('aria-label', 'Sample sequence with the query attention over its positions');
    this.scroller.append(this.labels, this.row);

    const legend = doc.createElement('figcaption');
    legend.className = 'qs-legend';
    const item = (swatchClass: string, text: string) => {
      const span = doc.createElement('span');
      span.className = 'qs-legend-item';
      const swatch = doc.createElement('span');
      swatch.className = `qs-swatch ${swatchClass}`;
      swatch.setAttribute('aria-hidden', 'true');
      span.append(swatch, doc.createTextNode(text));
      return span;
    };
    legend.append(
      item('qs-swatch--query', 'query token'),
      item('qs-swatch--highlight', 'outlined: the token right after an earlier copy of the query token'),
      item('qs-swatch--bar', 'bar: attention weight (0 to 1)'),
    );
    this.summary = doc.createElement('p');
    this.summary.className = 'qs-summary';
    this.summary.setAttribute('aria-live', 'off');
    this.root.append(this.scroller, this.summary, legend);
    container.append(this.root);
  }

  /** Marks the column of position `index` (e.g. the token under the pointer in the graph); null clears it. */
  highlightColumn(index: number | null): void {
    this.columns.forEach((column, i) => column.element.classList.toggle('qs-col--linked', i === index));
  }

    update(data: QueryStripData): void {
    const T = data.tokens.length;
    const heads = data.attention.length;
    const S = vocabularySize(data.tokens, data.S);
    const key = `${T}:${heads}`;
    if (key !== this.shapeKey) {
      this.shapeKey = key;
      this.highlightKey = '';
      this.build(T, heads);
    }

    const highlighted = new Set(data.highlight ?? []);
    const highlightKey = [...highlighted].sort((a, b) => a - b).join(',');
    const highlightChanged = highlightKey !== this.highlightKey;
    this.highlightKey = highlightKey;

    for (let i = 0; i < T; i++) {
      const column = this.columns[i];
      const symbol = tokenSymbol(data.tokens[i], S);
      if (column.token.textContent !== symbol) column.token.textContent = symbol;
      if (highlightChanged) column.element.classList.toggle('qs-col--highlight', highlighted.has(i));
      const parts: string[] = [];
      for (let h = 0; h < heads; h++) {
        const weight = data.attention[h]?.[i] ?? NaN;
        const bar = column.bars[h];
        const finite = Number.isFinite(weight);
        bar.classList.toggle('qs-bar--nan', !finite);
        bar.style.height = finite ? `${(barFraction(weight) * 100).toFixed(1)}%` : '100%';
        bar.style.backgroundColor = finite ? interpolateViridis(barFraction(weight)) : '';
        parts.push(`${heads > 1 ? `head ${h + 1} ` : ''}attention ${formatValue(weight)}`);
      }
      const role = i === T - 1 ? 'query token' : `token`;
      const label = `position ${i}, ${role} ${symbol}${highlighted.has(i) ? ', right after an earlier copy of the query token' : ''}, ${parts.join(', ')}`;
      column.element.setAttribute('aria-label', label);
      column.element.title = label;
    }

    // One sentence for readers who cannot see the bars.
    const sentences = data.attention.map((attention, h) => {
      const peak = peakPosition(attention);
      const who = heads > 1 ? `Head ${h + 1}` : 'The query';
      if (peak < 0) return `${who}: attention is not a number (training diverged).`;
      return `${who} attends most to position ${peak} (${tokenSymbol(data.tokens[peak], S)}, weight ${attention[peak].toFixed(2)})${highlighted.has(peak) ? ', an outlined position' : ''}.`;
    });
    const summary = T > 0 ? `Query token ${tokenSymbol(data.tokens[T - 1], S)}. ${sentences.join(' ')}` : '';
    if (this.summary.textContent !== summary) this.summary.textContent = summary;
  }

  destroy(): void {
    this.root.remove();
  }

  private build(T: number, heads: number): void {
    const doc = this.root.ownerDocument;
    this.row.replaceChildren();
    this.labels.replaceChildren();
    this.columns = [];
    this.root.style.setProperty('--qs-heads', String(heads));
    this.root.classList.toggle('qs--multi', heads > 1);

    // Row names on the left when there are several heads.
    const labelFor = (text: string, className: string) => {
      const label = doc.createElement('div');
      label.className = className;
      label.textContent = text;
      this.labels.append(label);
    };
    labelFor('', 'qs-label qs-label--token');
    for (let h = 0; h < heads; h++) labelFor(`head ${h + 1}`, 'qs-label qs-label--bar');
    labelFor('', 'qs-label qs-label--index');

    for (let i = 0; i < T; i++) {
      const element = doc.createElement('div');
      element.className = i === T - 1 ? 'qs-col qs-col--query' : 'qs-col';
      element.setAttribute('role', 'listitem');
      const token = doc.createElement('div');
      token.className = 'qs-token';
      element.append(token);
      const bars: HTMLElement[] = [];
      for (let h = 0; h < heads; h++) {
        const box = doc.createElement('div');
        box.className = 'qs-barbox';
        const bar = doc.createElement('div');
        bar.className = 'qs-bar';
        box.append(bar);
        element.append(box);
        bars.push(bar);
      }
      const index = doc.createElement('div');
      index.className = 'qs-index';
      index.textContent = String(i);
      element.append(index);
      this.row.append(element);
      this.columns.push({ element, token, bars });
    }
  }
}
