// The comparison's loss chart: every run's test loss over steps in one chart, one colour per
// run, on shared scales. Each run keeps a bounded number of points (thinned by halves).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

import { chartAxis } from '../views/vocabulary';

/** Okabe-Ito: the playground's run first, then the compared runs. */
export const RUN_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7'];

const MAX_POINTS = 400;

/** A run's test-loss curve, at most MAX_POINTS points: when full, every other point goes. */
export class ThinnedCurve {
  steps: number[] = [];
  losses: number[] = [];
  push(step: number, loss: number): void {
    if (this.steps.length > 0 && step <= this.steps[this.steps.length - 1]) {
      if (step === this.steps[this.steps.length - 1]) this.losses[this.losses.length - 1] = loss;
      return;
    }
    this.steps.push(step);
    this.losses.push(loss);
    if (this.steps.length > MAX_POINTS) {
      this.steps = this.steps.filter((_, i) => i % 2 === 1);
      this.losses = this.losses.filter((_, i) => i % 2 === 1);
    }
  }
  clear(): void {
    this.steps = [];
    this.losses = [];
  }
}

/** uPlot's aligned data for several curves: the union of their steps, null where a run has none. */
export function alignCurves(curves: readonly ThinnedCurve[]): (number | null)[][] {
  const xs = [...new Set(curves.flatMap((curve) => curve.steps))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns = curves.map((curve) => {
    const column: (number | null)[] = new Array(xs.length).fill(null);
    curve.steps.forEach((step, k) => (column[index.get(step)!] = curve.losses[k]));
    return column;
  });
  return [xs, ...columns];
}

export class CompareChart {
  readonly element = document.createElement('div');
  private plot: uPlot | null = null;
  private labels: string[] = [];
  private readonly observer: ResizeObserver;

  constructor(container: HTMLElement) {
    this.element.className = 'compare-chart lc-plot';
    this.element.setAttribute('role', 'img');
    this.element.setAttribute('aria-label', 'Test loss of every compared run over training steps');
    container.append(this.element);
    this.observer = new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: 220 }));
    this.observer.observe(container);
  }

  private width(): number {
    return Math.max(240, Math.floor(this.element.parentElement?.clientWidth ?? 480));
  }

  update(labels: string[], curves: readonly ThinnedCurve[]): void {
    const data = alignCurves(curves) as uPlot.AlignedData;
    if (this.plot && labels.join('\n') === this.labels.join('\n')) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.labels = labels;
    this.plot = new uPlot(
      {
        width: this.width(),
        height: 220,
        scales: { x: { time: false } },
        axes: [chartAxis('step'), chartAxis('test loss (nats)')],
        series: [
          { label: 'step' },
          ...labels.map((label, i) => ({ label, stroke: RUN_COLOURS[i % RUN_COLOURS.length], width: 2, spanGaps: true, points: { show: false } })),
        ],
        legend: { show: true },
      },
      data,
      this.element,
    );
  }
}
