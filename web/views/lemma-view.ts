// The key lemma, drawn: the first-layer gradient at the lemma initialization next to the
// chi-square mutual information and the true graph, a scatter of the two (row-centred), and
// one line saying how many positions' largest gradient entry is their parent.
import { scaleLinear } from 'd3-scale';
import type { LemmaView } from '../engine/engine';
import { Heatmap } from './heatmap';
import { FONT_FAMILY, formatTick } from './vocabulary';
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
    const style = getComputedStyle(this.scatter);
    const ink = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    context.fillStyle = ink('--hm-bg', '#ffffff');
    context.fillRect(0, 0, width, height);
    const { gradient, information, i: rows, j: cols } = view.scatter;
    const finite = (values: Float64Array) => Array.from(values).filter(Number.isFinite);
    const gx = finite(information), gy = finite(gradient);
    if (gx.length === 0) return;
    // Room on the left for the tick labels and the rotated axis name, below for both as well.
    const left = 62, bottom = 38, top = 12, right = 12;
    const x = scaleLinear().domain(extent(gx)).range([left, width - right]).nice(4);
    const y = scaleLinear().domain(extent(gy)).range([height - bottom, top]).nice(4);
    const axis = ink('--muted', '#5b6475');
    context.font = `11px ${FONT_FAMILY}`;
    context.strokeStyle = ink('--line', '#c9ced8');
    context.fillStyle = axis;
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(left, top);
    context.lineTo(left, height - bottom);
    context.lineTo(width - right, height - bottom);
    context.stroke();
    context.textAlign = 'center';
    context.textBaseline = 'top';
    for (const tick of x.ticks(4)) {
      const px = Math.round(x(tick)) + 0.5;
      context.beginPath();
      context.moveTo(px, height - bottom);
      context.lineTo(px, height - bottom + 4);
      context.stroke();
      context.fillText(formatTick(tick), px, height - bottom + 6);
    }
    context.textAlign = 'right';
    context.textBaseline = 'middle';
    for (const tick of y.ticks(4)) {
      const py = Math.round(y(tick)) + 0.5;
      context.beginPath();
      context.moveTo(left - 4, py);
      context.lineTo(left, py);
      context.stroke();
      context.fillText(formatTick(tick), left - 6, py);
    }
    context.textAlign = 'center';
    context.textBaseline = 'alphabetic';
    context.fillText('χ² information (row-centred)', (left + width - right) / 2, height - 4);
    context.save();
    context.translate(11, (top + height - bottom) / 2);
    context.rotate(-Math.PI / 2);
    context.fillText('−gradient (row-centred)', 0, 0);
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
    context.textAlign = 'right';
    context.fillText('● true parent', width - right, top + 8);
    this.scatter.setAttribute('aria-label', `Scatter of ${gradient.length} entries; ${hitsLine(view)}`);
  }
}

/** [min, max] of finite values, widened when they are all equal. */
function extent(values: number[]): [number, number] {
  const low = Math.min(...values), high = Math.max(...values);
  return low === high ? [low - 1, high + 1] : [low, high];
}
