// The paper's Figure 9, redrawn: the attention weight from each position to its parent, mean
// with a band of one standard deviation over the random DAGs, against position.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './views.css';

/** What the chart reads of Figure 9's result (the fields of `cpg reproduce fig9`'s JSON). */
export interface Fig9ChartData {
  /** per position: mean and std over the graphs with a parent there (null where none has), and how many */
  per_position: { mean: (number | null)[]; std: (number | null)[]; graphs: number[] };
}

/** x, mean, mean + std, mean - std over the positions that have data (others are null). */
export function fig9Series(data: Fig9ChartData): [number[], (number | null)[], (number | null)[], (number | null)[]] {
  const xs: number[] = [], mean: (number | null)[] = [], upper: (number | null)[] = [], lower: (number | null)[] = [];
  data.per_position.mean.forEach((m, i) => {
    if (data.per_position.graphs[i] === 0) return;
    xs.push(i);
    const sd = data.per_position.std[i];
    const ok = m !== null && Number.isFinite(m) && sd !== null;
    mean.push(ok ? m : null);
    upper.push(ok ? Math.min(1, m + sd) : null);
    lower.push(ok ? Math.max(0, m - sd) : null);
  });
  return [xs, mean, upper, lower];
}

export class Fig9Chart {
  readonly element = document.createElement('div');
  private plot: uPlot | null = null;
  private readonly observer: ResizeObserver;

  constructor(container: HTMLElement) {
    this.element.className = 'fig9-chart';
    container.append(this.element);
    this.observer = new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: 240 }));
    this.observer.observe(container);
  }

  private width(): number {
    return Math.max(240, Math.floor(this.element.parentElement?.clientWidth ?? 480));
  }

  update(data: Fig9ChartData): void {
    const series = fig9Series(data);
    if (this.plot) {
      this.plot.setData(series);
      return;
    }
    this.plot = new uPlot(
      {
        width: this.width(),
        height: 240,
        scales: { x: { time: false }, y: { range: [0, 1.02] } },
        axes: [{ label: 'position in sequence' }, { label: 'attention on the parent' }],
        series: [
          { label: 'position' },
          { label: 'mean over graphs', stroke: '#1c5fb8', width: 2 },
          { label: 'mean + std', stroke: 'rgba(28, 95, 184, 0.25)' },
          { label: 'mean − std', stroke: 'rgba(28, 95, 184, 0.25)' },
        ],
        bands: [{ series: [2, 3], fill: 'rgba(28, 95, 184, 0.15)' }],
        legend: { show: true },
      },
      series,
      this.element,
    );
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot?.destroy();
    this.element.remove();
  }
}
