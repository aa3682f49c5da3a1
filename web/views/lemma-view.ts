// The key lemma, drawn: the first-layer gradient at the lemma initialization next to the
// chi-square mutual information and the true graph, a scatter of the two (row-centred), and
// one line saying how many positions' largest gradient entry is their parent.
import type { LemmaView } from '../engine/engine';
import { Heatmap } from './heatmap';
import { FONT_FAMILY } from './vocabulary';
import './views.css';

export interface LemmaViewData {
  view: LemmaView;
}

/** (T, T) adjacency of the parents, for the third map. */
export function adjacencyOf(parents: number[][], T: number): Float64Array {
  const out = new Float64Array(T * T);
  parents.slice(0, T).forEach((ps, i) => ps.forEach((p) => (out[i * T + p] = 1)));
  return out;
}

/** "9 of 9 positions ..." */
export function hitsLine(view: Pick<LemmaView, 'parent_hits' | 'positions_with_parent' | 'pearson_row_centred'>): string {
  return (
    `${view.parent_hits} of ${view.positions_with_parent} positions have their largest gradient entry at their true parent; ` +
    `row-centred correlation between gradient and information: ${view.pearson_row_centred.toFixed(2)}.`
  );
}

export class LemmaPanel {
  private readonly root = document.createElement('div');
  private readonly maps: Heatmap[];
  private readonly scatter = document.createElement('canvas');
  private readonly summary = document.createElement('p');

  constructor(container: HTMLElement) {
    this.root.className = 'lemma-root';
    const grid = document.createElement('div');
    grid.className = 'lemma-grid';
    const cells = [0, 1, 2, 3].map(() => {
      const cell = document.createElement('div');
      cell.className = 'lemma-cell';
      grid.append(cell);
      return cell;
    });
    const masked = { rowLabel: 'position i', colLabel: 'position j' };
    this.maps = [
      new Heatmap(cells[0], { title: '−dL/dA₁ at initialization', scale: 'signed', ...masked, ariaLabel: 'First-layer gradient over positions' }),
      new Heatmap(cells[1], { title: 'χ² mutual information', scale: 'weight', ...masked, ariaLabel: 'Chi-square mutual information between positions' }),
      new Heatmap(cells[2], { title: 'true graph', scale: 'weight', domain: [0, 1], ...masked, ariaLabel: 'Adjacency of the true graph' }),
    ];
    this.scatter.className = 'lemma-scatter';
    this.scatter.setAttribute('role', 'img');
    this.scatter.setAttribute('aria-label', 'Scatter of the gradient against the information: not computed yet.');
    const scatterTitle = document.createElement('p');
    scatterTitle.className = 'lemma-scatter-title';
    scatterTitle.textContent = 'gradient against information (each row centred)';
    cells[3].append(scatterTitle, this.scatter);
    this.summary.className = 'lemma-summary';
    this.summary.dataset.testid = 'lemma-summary';
    this.root.append(this.summary, grid);
    container.append(this.root);
  }

  update({ view }: LemmaViewData): void {
    const T = view.T;
    const upper = (r: number, c: number) => c >= r;
    const outline: [number, number][] = [];
    Array.from(view.parent).forEach((p, i) => p >= 0 && outline.push([i, p]));
    this.maps[0].update(view.gradient, T, T, { masked: upper, outline });
    this.maps[1].update(view.mutual_information, T, T, { masked: upper, outline });
    this.maps[2].update(adjacencyOf(view.parents, T), T, T, { masked: upper });
    this.summary.textContent = hitsLine(view);
    this.drawScatter(view);
  }

  canvases(): HTMLCanvasElement[] {
    return [...this.maps.map((map) => map.canvas), this.scatter];
  }

  private drawScatter(view: LemmaView): void {
    const width = Math.max(220, Math.min(360, this.scatter.parentElement?.clientWidth ?? 300));
    const height = Math.round(width * 0.8);
    const ratio = window.devicePixelRatio || 1;
    this.scatter.width = width * ratio;
    this.scatter.height = height * ratio;
    this.scatter.style.width = `${width}px`;
    this.scatter.style.height = `${height}px`;
    const context = this.scatter.getContext('2d');
    if (!context) return;
    context.scale(ratio, ratio);
    context.fillStyle = '#fff';
    context.fillRect(0, 0, width, height);
    const { gradient, information, i: rows, j: cols } = view.scatter;
    const finite = (values: Float64Array) => Array.from(values).filter(Number.isFinite);
    const gx = finite(information), gy = finite(gradient);
    if (gx.length === 0) return;
    const [x0, x1] = [Math.min(...gx), Math.max(...gx)];
    const [y0, y1] = [Math.min(...gy), Math.max(...gy)];
    const pad = 34;
    const x = (v: number) => pad + ((v - x0) / (x1 - x0 || 1)) * (width - pad - 10);
    const y = (v: number) => height - pad - ((v - y0) / (y1 - y0 || 1)) * (height - pad - 10);
    context.strokeStyle = '#c9ced8';
    context.beginPath();
    context.moveTo(pad, 10);
    context.lineTo(pad, height - pad);
    context.lineTo(width - 10, height - pad);
    context.stroke();
    context.fillStyle = '#5b6475';
    context.font = `11px ${FONT_FAMILY}`;
    context.fillText('information', width / 2 - 28, height - 8);
    context.save();
    context.translate(12, height / 2 + 24);
    context.rotate(-Math.PI / 2);
    context.fillText('gradient', 0, 0);
    context.restore();
    for (let k = 0; k < gradient.length; k++) {
      if (!Number.isFinite(gradient[k]) || !Number.isFinite(information[k])) continue;
      const isParent = view.parent[rows[k]] === cols[k];
      context.fillStyle = isParent ? '#e8590c' : 'rgba(59, 91, 219, 0.45)';
      context.beginPath();
      context.arc(x(information[k]), y(gradient[k]), isParent ? 3.5 : 2.5, 0, 2 * Math.PI);
      context.fill();
    }
    context.fillStyle = '#e8590c';
    context.fillText('● true parent', width - 90, 20);
    this.scatter.setAttribute('aria-label', `Scatter of ${gradient.length} entries; ${hitsLine(view)}`);
  }
}
