// The paper's Figure 9, redrawn as it is computed: each finished graph's attention from every
// position to its parent (thin lines), the mean over the graphs finished so far (thick), and the
// paper's reported mean and standard deviation as a reference band (under the curves) and its
// label (over them, where it hides the fewest points). Drawn like the
// loss chart (web/views/loss-chart.ts): uPlot, the same fonts, axis ink and Okabe-Ito colours.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartAxis, FONT_FAMILY, LOSS_COLOURS } from './vocabulary';
import './charts.css';
import './views.css';

/** What the chart reads of Figure 9's result (the fields of `cpg reproduce fig9`'s JSON). */
export interface Fig9ChartData {
  /** per position: mean over the graphs with a parent there (null where none has) */
  per_position: { mean: (number | null)[]; std: (number | null)[]; graphs: number[] };
  /** the graphs measured so far: each one's attention on the parent per position (null where it has none) */
  per_graph: { graph_seed: number; parent_attention: (number | null)[] }[];
  /** the paper's reported mean and standard deviation over graphs */
  paper: { mean: number; std: number };
}

const COLOUR = {
  graph: 'rgba(0, 114, 178, 0.38)',
  /** the graph lines' colour as it shows on white, for the legend (which may sit on a dark page) */
  graphSwatch: '#9dc3e1',
  mean: LOSS_COLOURS.test,
  paper: LOSS_COLOURS.bayes,
  paperBand: 'rgba(0, 158, 115, 0.13)',
};
const HEIGHT = 260;

/** x (positions 1 to the last with a value, else T-1) and, per graph slot, its attention on the parent (null where no parent or not yet measured), then the mean. */
export function fig9Series(data: Fig9ChartData, slots: number): (number | null)[][] {
  const T = data.per_position.mean.length;
  const value = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? null : v);
  // The axis ends at the last position with a measured value (the last positions may have no
  // parent in any graph measured so far); before any, it spans every position.
  let last = T - 1;
  while (last > 1 && !data.per_graph.some((graph) => value(graph.parent_attention[last]) !== null)) last--;
  if (!data.per_graph.some((graph) => graph.parent_attention.some((v) => value(v) !== null))) last = T - 1;
  const xs = Array.from({ length: Math.max(0, last) }, (_, i) => i + 1);
  const graphs = Array.from({ length: slots }, (_, g) => xs.map((i) => value(data.per_graph[g]?.parent_attention[i])));
  const mean = xs.map((i) => (data.per_position.graphs[i] > 0 ? value(data.per_position.mean[i]) : null));
  return [xs, ...graphs, mean];
}

export class Fig9Chart {
  readonly element = document.createElement('div');
  private readonly plotBox = document.createElement('div');
  private readonly legend = document.createElement('ul');
  private plot: uPlot | null = null;
  private slots = 0;
  private paper = { mean: 0.837, std: 0.054 };
  private readonly observer: ResizeObserver;

  constructor(container: HTMLElement) {
    this.element.className = 'lc-root fig9-chart';
    this.plotBox.className = 'lc-plot fig9-plot';
    this.legend.className = 'lc-legend-list';
    this.element.append(this.plotBox, this.legend);
    container.append(this.element);
    this.observer = new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT }));
    this.observer.observe(container);
  }

  private width(): number {
    return Math.max(240, Math.floor(this.element.parentElement?.clientWidth ?? 480));
  }

  /**
   * Draws `data` (a partial figure while the sweep runs, the whole one at the end) with room
   * for `graphs` graph lines.
   */
  update(data: Fig9ChartData, graphs = data.per_graph.length): void {
    this.paper = data.paper;
    const slots = Math.max(graphs, data.per_graph.length);
    const series = fig9Series(data, slots);
    this.renderLegend(data.per_graph.length, slots);
    this.element.dataset.graphs = String(data.per_graph.length);
    if (this.plot && slots === this.slots) {
      this.plot.setData(series as uPlot.AlignedData);
      return;
    }
    this.plot?.destroy();
    this.slots = slots;
    this.plot = new uPlot(
      {
        width: this.width(),
        height: HEIGHT,
        legend: { show: false },
        padding: [12, 20, 0, 0],
        cursor: { show: false },
        scales: { x: { time: false }, y: { range: [0, 1.02] } },
        axes: [
          { ...chartAxis('position in the sequence'), size: 30 },
          { ...chartAxis('attention on the parent'), size: 44, values: (_u, splits) => splits.map((v) => v.toFixed(1)) },
        ],
        series: [
          {},
          // A random DAG leaves about half the positions without a parent: a graph's line breaks
          // there (joining across would draw values that do not exist), and each measured point is
          // marked. The mean over graphs has a value at nearly every position and stays joined.
          ...Array.from({ length: slots }, (_, g) => ({
            label: `graph ${g + 1}`, stroke: COLOUR.graph, width: 1.25, spanGaps: false, points: { show: true, size: 4, width: 1, fill: COLOUR.graph, stroke: COLOUR.graph },
          })),
          { label: 'mean over graphs', stroke: COLOUR.mean, width: 2.5, spanGaps: true, points: { show: true, size: 5, fill: COLOUR.mean, stroke: COLOUR.mean } },
        ],
        hooks: { drawClear: [(u) => this.drawPaperBand(u)], draw: [(u) => this.drawPaperLabel(u)] },
      },
      series as uPlot.AlignedData,
      this.plotBox,
    );
  }

  /** The paper's mean ± std as a band across the positions, under the curves. */
  private drawPaperBand(u: uPlot): void {
    const { ctx } = u;
    const { left, top, width, height } = u.bbox;
    const { high, low, mean } = this.bandRows(u);
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.fillStyle = COLOUR.paperBand;
    ctx.fillRect(left, high, width, low - high);
    ctx.strokeStyle = COLOUR.paper;
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(left, mean);
    ctx.lineTo(left + width, mean);
    ctx.stroke();
    ctx.restore();
  }

  /** The band's edges and its mean line (device px). */
  private bandRows(u: uPlot): { high: number; low: number; mean: number } {
    const y = (v: number) => u.valToPos(v, 'y', true);
    return { high: y(Math.min(1.02, this.paper.mean + this.paper.std)), low: y(Math.max(0, this.paper.mean - this.paper.std)), mean: y(this.paper.mean) };
  }

  /**
   * The band's label, over the curves on a light backing, at the right end: below the band, or
   * above it where fewer of the curves' points fall under the label there.
   */
  private drawPaperLabel(u: uPlot): void {
    const { ctx } = u;
    const ratio = devicePixelRatio;
    const { left, top, width, height } = u.bbox;
    const { high, low } = this.bandRows(u);
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.font = `${11 * ratio}px ${FONT_FAMILY}`;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'top';
    const label = `paper: ${this.paper.mean.toFixed(3)} ± ${this.paper.std.toFixed(3)}`;
    const textWidth = ctx.measureText(label).width;
    const right = left + width - 6 * ratio;
    const boxHeight = 14 * ratio;
    const pointsUnder = (labelTop: number) => {
      let count = 0;
      const xs = u.data[0];
      for (let k = 1; k < u.data.length; k++)
        for (let i = 0; i < xs.length; i++) {
          const value = u.data[k][i];
          if (value === null || value === undefined) continue;
          const x = u.valToPos(xs[i], 'x', true), y = u.valToPos(value, 'y', true);
          if (x >= right - textWidth - 6 * ratio && x <= right + 6 * ratio && y >= labelTop - 4 * ratio && y <= labelTop + boxHeight + 4 * ratio) count++;
        }
      return count;
    };
    const below = low + 3 * ratio, above = high - boxHeight - 3 * ratio;
    const fits = (labelTop: number) => labelTop >= top && labelTop + boxHeight <= top + height;
    const labelTop = !fits(below) || (fits(above) && pointsUnder(above) < pointsUnder(below)) ? above : below;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.fillRect(right - textWidth - 3 * ratio, labelTop - ratio, textWidth + 6 * ratio, boxHeight);
    ctx.fillStyle = COLOUR.paper;
    ctx.fillText(label, right, labelTop);
    ctx.restore();
  }

  private renderLegend(done: number, slots: number): void {
    const item = (swatchClass: string, colour: string, text: string) => {
      const li = document.createElement('li');
      li.className = 'lc-legend-item';
      const swatch = document.createElement('span');
      swatch.className = `lc-swatch ${swatchClass}`;
      swatch.style.setProperty('--lc-color', colour);
      li.append(swatch, text);
      return li;
    };
    this.legend.replaceChildren(
      item('lc-swatch-thin', COLOUR.graphSwatch, `each graph (${done} of ${slots})`),
      item('lc-swatch-solid', COLOUR.mean, 'mean over the graphs'),
      item('lc-swatch-dashed', COLOUR.paper, `the paper: ${this.paper.mean.toFixed(3)} ± ${this.paper.std.toFixed(3)} (band: ± std)`),
    );
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot?.destroy();
    this.element.remove();
  }
}
