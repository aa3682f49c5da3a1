// The theorem's rate, drawn: the first layer's error against the graph, ‖A − G‖∞ over the rows
// that have a parent, against the sequence length T on log-log axes, next to a 1/T line through
// the first point. The data is `cpg reproduce rate`'s JSON (web/common/rate-result.json).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartAxis, LOSS_COLOURS, MINUS, formatTick } from './vocabulary';

const signed = (v: number) => v.toFixed(2).replace('-', MINUS);

/** A log axis labels 1, 2 and 5 times a power of ten; its other grid lines stay unlabelled. */
function logTick(v: number | null): string {
  if (v === null || !Number.isFinite(v) || v <= 0) return '';
  const mantissa = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
  return [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6) ? formatTick(v) : '';
}
import './views.css';

/** What the page reads of `cpg reproduce rate`'s JSON. */
export interface RateChartData {
  T: number[];
  /** mean over seeds of ‖A − G‖∞ at each T */
  max_error: number[];
  /** least-squares slope of log max_error against log T */
  slope: number;
  /** the largest weight a row leaves off its parent, mean over seeds, and its slope */
  off_parent_max: number[];
  off_parent_slope: number;
  loss_minus_bayes_max: number[];
  command: string;
  seconds: number;
  recipe: { name: string; optimizer: string; lr: number; schedule: string; batch: number; steps: number };
  settings: { S: number; alpha: number; seeds: number; graph: string };
}

/** The chart's caption: what was measured, how, and how far it is from the theorem. */
export function rateSummary(data: RateChartData): string {
  const n = data.T.length;
  const worst = Math.max(...data.loss_minus_bayes_max);
  return (
    `Measured natively (${data.command}): the error falls from ${data.max_error[0].toFixed(2)} at T = ${data.T[0]} to ` +
    `${data.max_error[n - 1].toFixed(2)} at T = ${data.T[n - 1]}, a log-log slope of ${signed(data.slope)}; the theorem's rate is −1. ` +
    `The largest weight off a parent falls with slope ${signed(data.off_parent_slope)}. These models are not fully trained ` +
    `(test loss up to ${worst.toFixed(2)} nats above Bayes), so they sit above the trained end the theorem describes.`
  );
}

/** "Recipe: …" line under the chart. */
export function rateRecipe(data: RateChartData): string {
  const r = data.recipe;
  return (
    `Recipe (${r.name}, ours: the paper has no such experiment): the chain with S = ${data.settings.S}, α = ${data.settings.alpha}, heads 1,1, ` +
    `${data.settings.seeds} seeds per T; ${r.optimizer === 'adam' ? 'Adam' : r.optimizer}, learning rate ${r.lr}` +
    `${r.schedule === 'cosine' ? ' with a cosine decay' : ''}, batch ${r.batch}, ${r.steps.toLocaleString('en-US')} steps; ` +
    `${Math.round(data.seconds)} s natively on two cores. Rows without a parent (the first position and the query) are left out. ` +
    `Rerun it with npm run bench:rate.`
  );
}

/** x = T; the measured error; c/T through the first point (the theorem's rate, for reference). */
export function rateSeries(data: RateChartData): [number[], number[], number[]] {
  const T = data.T.filter((_, k) => data.max_error[k] > 0);
  const error = data.max_error.filter((e) => e > 0);
  const c = T.length ? error[0] * T[0] : 0;
  return [T, error, T.map((t) => c / t)];
}

export class RateChart {
  readonly element = document.createElement('div');
  private plot: uPlot | null = null;
  private readonly observer: ResizeObserver;
  private static readonly HEIGHT = 240;

  constructor(container: HTMLElement) {
    this.element.className = 'rate-chart lc-plot';
    this.element.setAttribute('role', 'img');
    container.append(this.element);
    this.observer = new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: RateChart.HEIGHT }));
    this.observer.observe(container);
  }

  private width(): number {
    return Math.max(240, Math.min(560, Math.floor(this.element.parentElement?.clientWidth ?? 480)));
  }

  update(data: RateChartData): void {
    const series = rateSeries(data);
    const points = series[0].map((t, k) => `T = ${t}: ${series[1][k].toFixed(3)}`).join(', ');
    this.element.setAttribute(
      'aria-label',
      `The first layer's error ‖A − G‖∞ against T on log-log axes (${points}); fitted slope ${signed(data.slope)}, the theorem's rate is −1.`,
    );
    this.plot?.destroy();
    this.plot = new uPlot(
      {
        width: this.width(),
        height: RateChart.HEIGHT,
        padding: [12, 20, 0, 0],
        cursor: { y: false, drag: { x: false, y: false, setScale: false } },
        scales: { x: { time: false, distr: 3, log: 2 }, y: { distr: 3, log: 10 } },
        axes: [
          { ...chartAxis('sequence length T'), size: 30, values: (_u, splits) => splits.map((v) => String(v)) },
          { ...chartAxis('‖A − G‖∞'), size: 44, values: (_u, splits) => splits.map(logTick) },
        ],
        series: [
          { label: 'T' },
          {
            label: `measured (slope ${signed(data.slope)})`,
            stroke: LOSS_COLOURS.test,
            width: 2,
            points: { show: true, size: 7, fill: LOSS_COLOURS.test, stroke: LOSS_COLOURS.test },
          },
          { label: '1/T (the theorem’s rate)', stroke: LOSS_COLOURS.uniform, width: 1.5, dash: [6, 4], points: { show: false } },
        ],
        legend: { show: true, live: false },
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
