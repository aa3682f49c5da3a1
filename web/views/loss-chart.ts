// The live loss curve: test loss (the main line), training-batch losses (light, min/max
// decimated) with their smoothed trend, the four baselines of docs/science.md as horizontal
// lines, a phase-transition marker, a shaded two-parent plateau (views/plateau.ts) and the
// history scrubber's cursor. Drawn with uPlot; exportCanvas() adds the legend for a PNG. The
// DOM-free parts (decimation, columns, the phase transition) are in loss-chart-data.ts.
//
// Draws what it is given and no more: the controller appends series and sets markers; the
// chart keeps only the raw points it needs to redraw, and redraws at most once per frame.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { Columns, MinMaxDecimator, lastIndexAtOrBefore, legendRows } from './loss-chart-data';
import { BASELINE_LINES, drawOverlayLabels, drawOverlayLines, layoutOverlays, PLATEAU_FILL, type BaselineLine, type OverlayLayout, type OverlayState } from './loss-chart-overlays';
import { chartAxis, FONT_FAMILY, LOSS_COLOURS, formatLoss, formatStep } from './vocabulary';
import './charts.css';


// Shortest time between two redraws for new data while training (a loss curve needs no 60 fps).
const REDRAW_INTERVAL_MS = 100;

export interface Baselines {
  bayes: number;
  one_parent: number;
  unigram: number;
  uniform: number;
  multiParent: boolean;
}

const COLOR = LOSS_COLOURS;
const HEIGHT = 220;
/** A strip above the plot for the phase badge, so that it covers no curve, line or label. */
const BADGE_STRIP = 14;
/** Most training points drawn: min and max of at most this many buckets. */
const TRAIN_BUCKETS = 1000;
/** Most test points drawn (bucket means beyond that). */
const TEST_POINTS = 1000;
/** Tick spacings of the step axis: whole steps only. */
const STEP_INCREMENTS = [1, 2, 5].flatMap((m) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7].map((p) => m * p)).sort((a, b) => a - b);
/** Tick spacings of the loss axis (nats). */
const LOSS_INCREMENTS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10];
/** Smoothing of the training trend (per recorded step, debiased as TensorBoard does). */
const EMA_BETA = 0.97;

/** One legend entry: what the page lists under the chart and the PNG export draws. */
export interface LegendItem {
  label: string;
  value?: number;
  color: string;
  style: 'solid' | 'thin' | 'dashed' | 'dotted' | 'marker' | 'band';
}

/** The shaded plateau: a band from `start` to `end` with its label. */
export interface PlateauBand {
  start: number;
  end: number;
  label: string;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

// --- the chart -------------------------------------------------------------------------------

/** Css px under the lowest line: room for its label below it. */
const LABEL_ROOM = 15;

export class LossChart {
  readonly element: HTMLElement;
  private readonly plotBox: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly readout: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly height: number;
  private readonly plot: uPlot;
  private readonly resizeObserver: ResizeObserver;

  private readonly train = new Columns();
  private readonly trainDecimator = new MinMaxDecimator(TRAIN_BUCKETS);
  private readonly test = new Columns();
  private emaSum = 0;
  private emaCount = 0;

  private baselines: Baselines = { bayes: NaN, one_parent: NaN, unigram: NaN, uniform: NaN, multiParent: false };
  private phaseStep: number | null = null;
  private phaseLabel = 'phase transition';
  private cursorStep: number | null = null;
  private plateau: PlateauBand | null = null;
  private interventions: { step: number; label: string }[] = [];

  private xRange: [number, number] = [0, 1];
  private yRange: [number, number] = [0, 1];
  private testPointsDrawn = 0;
  private frame = 0;
  private dataDirty = false;
  private overlayDirty = false;
  private width = 0;

  constructor(container: HTMLElement, options: { height?: number } = {}) {
    this.height = (options.height ?? HEIGHT) + BADGE_STRIP;
    this.element = element('div', 'lc-root');
    this.plotBox = element('div', 'lc-plot');
    this.plotBox.setAttribute('role', 'img');
    // The phase marker's badge: on the page only (the marker's line is on the canvas).
    this.badge = element('div', 'lc-badge');
    this.badge.dataset.testid = 'phase-badge';
    this.badge.hidden = true;
    this.legend = element('div', 'lc-legend');
    this.readout = element('div', 'lc-readout');
    this.readout.setAttribute('aria-hidden', 'true');
    this.element.append(this.plotBox, this.readout, this.legend);
    container.append(this.element);
    this.plotBox.style.position = 'relative';

    this.width = Math.max(200, Math.floor(this.plotBox.clientWidth || container.clientWidth || 600));
    this.plot = new uPlot(
      {
        width: this.width,
        height: this.height,
        legend: { show: false },
        padding: [12 + BADGE_STRIP, 20, 0, 0],
        cursor: { y: false, points: { show: false }, drag: { x: false, y: false, setScale: false } },
        scales: {
          x: { time: false, range: () => this.xRange },
          y: { range: () => this.yRange },
        },
        axes: [
          { ...chartAxis('step'), size: 30, incrs: STEP_INCREMENTS, values: (_u, splits) => splits.map(formatStep) },
          // Ticks at least 18 px apart, on steps down to 0.01 nats: a short chart (the stage's) still shows three or more.
          { ...chartAxis('loss (nats)'), size: 44, space: 18, incrs: LOSS_INCREMENTS, values: (_u, splits) => splits.map((v) => v.toFixed(2)) },
        ],
        series: [
          {},
          { label: 'training batch', stroke: COLOR.trainRaw, width: 1, spanGaps: true, points: { show: false } },
          { label: 'training (smoothed)', stroke: COLOR.trainSmooth, width: 1.5, spanGaps: true, points: { show: false } },
          {
            label: 'test loss',
            stroke: COLOR.test,
            width: 2.25,
            spanGaps: true,
            points: { show: () => this.testPointsDrawn <= 60, size: 5, fill: COLOR.test, stroke: COLOR.test },
          },
        ],
        hooks: {
          // The overlays' lines under the curves (after the grid), their labels over them.
          drawAxes: [(u) => this.drawLines(u)],
          draw: [(u) => this.drawLabels(u)],
          setCursor: [(u) => this.updateReadout(u.cursor.idx ?? null)],
        },
      },
      [[], [], [], []],
      this.plotBox,
    );
    this.plotBox.append(this.badge);

    this.resizeObserver = new ResizeObserver(() => this.fitWidth());
    this.resizeObserver.observe(this.plotBox);
    this.renderLegend();
    this.updateReadout(null);
    this.updateLabel();
  }

  /** A new run: clears every series and marker, and sets the baselines. */
  reset(baselines: Baselines): void {
    this.baselines = { ...baselines };
    this.train.clear();
    this.trainDecimator.reset();
    this.test.clear();
    this.emaSum = 0;
    this.emaCount = 0;
    this.phaseStep = null;
    this.plateau = null;
    this.cursorStep = null;
    this.renderLegend();
    this.schedule(true);
  }

  /** Training-batch losses, in step order. */
  appendTrain(steps: ArrayLike<number>, losses: ArrayLike<number>): void {
    const n = Math.min(steps.length, losses.length);
    for (let i = 0; i < n; i++) {
      const loss = losses[i];
      if (Number.isFinite(loss)) {
        this.emaSum = EMA_BETA * this.emaSum + (1 - EMA_BETA) * loss;
        this.emaCount++;
      }
      const smooth = this.emaCount > 0 ? this.emaSum / (1 - Math.pow(EMA_BETA, this.emaCount)) : NaN;
      if (this.train.push(steps[i], loss, smooth)) this.trainDecimator.reset();
    }
    if (n > 0) this.schedule(true);
  }

  /** One test-set loss point (the main line). */
  addTest(step: number, testLoss: number): void {
    // A repeated step (metrics asked for twice without training) replaces the previous point.
    if (this.test.length > 0 && this.test.steps[this.test.length - 1] === step) {
      this.test.values[this.test.length - 1] = testLoss;
    } else {
      this.test.push(step, testLoss);
    }
    this.schedule(true);
  }

  setPhaseMarker(step: number | null, label = 'phase transition'): void {
    this.phaseStep = step !== null && Number.isFinite(step) ? step : null;
    this.phaseLabel = label;
    this.renderLegend();
    this.schedule(false);
  }

  /** The two-parent plateau as a shaded band (null: none). */
  setPlateau(band: PlateauBand | null): void {
    const next = band && Number.isFinite(band.start) && Number.isFinite(band.end) && band.end >= band.start ? { ...band } : null;
    const same = next === this.plateau || (!!next && !!this.plateau &&
      next.start === this.plateau.start && next.end === this.plateau.end && next.label === this.plateau.label);
    if (same) return;
    this.plateau = next;
    this.renderLegend();
    this.schedule(false);
  }

  /** The plateau drawn now (for tests and exports). */
  get plateauBand(): PlateauBand | null {
    return this.plateau;
  }

  /** Interventions (ablate, restore, freeze, knockout) as labelled vertical lines. */
  setInterventions(markers: readonly { step: number; label: string }[]): void {
    const same =
      markers.length === this.interventions.length &&
      markers.every((m, i) => m.step === this.interventions[i].step && m.label === this.interventions[i].label);
    if (same) return;
    this.interventions = markers.filter((m) => Number.isFinite(m.step)).map((m) => ({ ...m }));
    this.schedule(false);
  }

  /** The interventions drawn now (for tests and exports). */
  get interventionMarkers(): readonly { step: number; label: string }[] {
    return this.interventions;
  }

  setCursorStep(step: number | null): void {
    this.cursorStep = step !== null && Number.isFinite(step) ? step : null;
    this.updateReadout(this.plot.cursor.idx ?? null);
    this.schedule(false);
  }

  destroy(): void {
    if (this.frame) clearTimeout(this.frame);
    this.frame = 0;
    this.resizeObserver.disconnect();
    this.plot.destroy();
    this.element.remove();
  }

  // --- redrawing -------------------------------------------------------------------------------

  private schedule(data: boolean): void {
    if (data) this.dataDirty = true;
    else this.overlayDirty = true;
    if (this.frame) return;
    // New data redraws at most every REDRAW_INTERVAL_MS; overlay changes (the scrubber) at once.
    const wait = data ? Math.max(0, this.lastDraw + REDRAW_INTERVAL_MS - performance.now()) : 0;
    this.frame = window.setTimeout(() => {
      requestAnimationFrame(() => {
        this.frame = 0;
        this.lastDraw = performance.now();
        if (this.dataDirty) this.rebuild();
        else if (this.overlayDirty) this.plot.redraw(false, false);
        this.dataDirty = false;
        this.overlayDirty = false;
      });
    }, wait);
  }
  private lastDraw = -Infinity;

  private fitWidth(): void {
    const width = Math.max(200, Math.floor(this.plotBox.clientWidth));
    if (width === this.width || !this.plotBox.isConnected) return;
    this.width = width;
    this.plot.setSize({ width, height: this.height });
  }

  /** Decimates both series into one aligned table (uPlot's data model) and sets it. */
  private rebuild(): void {
    const train = this.train;
    const test = this.test;
    const trainIndices = this.trainDecimator.indices(train.values, train.length);

    // Test points: all of them, or bucket means beyond TEST_POINTS.
    const testX: number[] = [];
    const testY: number[] = [];
    const stride = Math.max(1, Math.ceil(test.length / TEST_POINTS));
    for (let start = 0; start < test.length; start += stride) {
      let sum = 0;
      let count = 0;
      const end = Math.min(test.length, start + stride);
      for (let i = start; i < end; i++) {
        if (Number.isFinite(test.values[i])) {
          sum += test.values[i];
          count++;
        }
      }
      if (count > 0) {
        testX.push(test.steps[end - 1]);
        testY.push(sum / count);
      }
    }
    this.testPointsDrawn = testX.length;

    // Merge the two step-ordered lists into aligned rows (null where a series has no point).
    const x: number[] = [];
    const raw: (number | null)[] = [];
    const smooth: (number | null)[] = [];
    const testLine: (number | null)[] = [];
    let a = 0;
    let b = 0;
    while (a < trainIndices.length || b < testX.length) {
      const trainStep = a < trainIndices.length ? train.steps[trainIndices[a]] : Infinity;
      const testStep = b < testX.length ? testX[b] : Infinity;
      if (trainStep <= testStep) {
        const k = trainIndices[a++];
        x.push(trainStep);
        raw.push(train.values[k]);
        smooth.push(Number.isFinite(train.smooth[k]) ? train.smooth[k] : null);
        if (testStep === trainStep) testLine.push(testY[b++]);
        else testLine.push(null);
      } else {
        x.push(testStep);
        raw.push(null);
        smooth.push(null);
        testLine.push(testY[b++]);
      }
    }

    this.xRange = [0, Math.max(1, x.length ? x[x.length - 1] : 1, this.cursorStep ?? 0)];
    this.yRange = this.computeYRange(smooth, testY);
    this.plot.setData([x, raw, smooth, testLine], true);
    this.updateReadout(this.plot.cursor.idx ?? null);
    this.updateLabel();
  }

  /**
   * From the lowest of the Bayes line and the smoothed/test curves to the highest of the
   * uniform/unigram lines and those curves, but never more than 1.6 times the highest baseline:
   * a diverging run must not flatten the picture (its points are clipped at the top).
   */
  private computeYRange(smooth: (number | null)[], testY: number[]): [number, number] {
    let low = Infinity;
    let high = -Infinity;
    const include = (v: number | null) => {
      if (v === null || !Number.isFinite(v)) return;
      low = Math.min(low, v);
      high = Math.max(high, v);
    };
    const { bayes, one_parent, unigram, uniform, multiParent } = this.baselines;
    include(bayes);
    include(unigram);
    include(uniform);
    if (multiParent) include(one_parent);
    const baselineHigh = high;
    for (const v of smooth) include(v);
    for (const v of testY) include(v);
    if (!Number.isFinite(low)) return [0, 1];
    if (Number.isFinite(baselineHigh) && baselineHigh > 0) high = Math.min(high, baselineHigh * 1.6);
    const span = Math.max(high - low, 0.05);
    // Room under the lowest line for its label (the curves sit above Bayes): LABEL_ROOM px of the
    // plot's height, at least 12% of the span.
    const padHigh = 0.08 * span;
    const plotHeight = this.plot ? this.plot.bbox.height / uPlot.pxRatio : 0;
    const padLow = plotHeight > 2 * LABEL_ROOM ? Math.max(0.12 * span, (LABEL_ROOM * (span + padHigh)) / (plotHeight - LABEL_ROOM)) : 0.12 * span;
    return [Math.max(0, low - padLow), high + padHigh];
  }

  /** Baselines, the phase marker and the scrubber cursor, on the plot's canvas (so a PNG export has them). */
  private overlayState(): OverlayState {
    return {
      plateau: this.plateau,
      baselines: this.visibleBaselines().map((line) => ({ line, value: this.baselines[line.key] })),
      cursorStep: this.cursorStep,
      interventions: this.interventions,
      phaseStep: this.phaseStep,
      latestLoss: this.test.length > 0 ? this.test.values[this.test.length - 1] : null,
    };
  }

  /** The overlays' layout of this draw: made with the lines (first), used again by the labels. */
  private layout: OverlayLayout | null = null;

  private drawLines(u: uPlot): void {
    this.layout = layoutOverlays(u, this.overlayState());
    drawOverlayLines(u, this.layout);
  }

  private drawLabels(u: uPlot): void {
    const layout = this.layout ?? layoutOverlays(u, this.overlayState());
    this.layout = null;
    drawOverlayLabels(u, layout);
    const badgeX = layout.phaseX;
    this.placeBadge(badgeX === null || !this.phaseLabel ? null : badgeX / uPlot.pxRatio, (u.bbox.left + u.bbox.width) / uPlot.pxRatio);
  }

  /** The badge beside the phase marker (css x of the marker, right edge of the plot). */
  private placeBadge(x: number | null, right: number): void {
    const badge = this.badge;
    if (x === null || this.phaseStep === null) {
      badge.hidden = true;
      return;
    }
    badge.textContent = `${this.phaseLabel} at step ${formatStep(this.phaseStep)}`;
    badge.hidden = false;
    const fitsRight = x + 6 + badge.offsetWidth < right;
    badge.style.left = `${fitsRight ? x + 6 : Math.max(0, x - 6 - badge.offsetWidth)}px`;
    badge.classList.toggle('lc-badge-left', !fitsRight);
  }

  private visibleBaselines(): BaselineLine[] {
    return BASELINE_LINES.filter(
      (line) => Number.isFinite(this.baselines[line.key]) && (line.key !== 'one_parent' || this.baselines.multiParent),
    );
  }

  // --- legend and readout ----------------------------------------------------------------------

  /** The legend's entries, as listed under the chart (and drawn into an exported PNG). */
  legendItems(): LegendItem[] {
    const items: LegendItem[] = [
      { label: 'test loss', color: COLOR.test, style: 'solid' },
      { label: 'training batch', color: COLOR.trainRaw, style: 'thin' },
      { label: 'training (smoothed)', color: COLOR.trainSmooth, style: 'thin' },
    ];
    for (const line of this.visibleBaselines()) {
      items.push({
        label: line.label,
        value: this.baselines[line.key],
        color: line.color,
        style: line.key === 'uniform' ? 'dotted' : 'dashed',
      });
    }
    if (this.phaseStep !== null) items.push({ label: `${this.phaseLabel} (step ${formatStep(this.phaseStep)})`, color: COLOR.marker, style: 'marker' });
    if (this.plateau) {
      items.push({ label: `${this.plateau.label} (steps ${formatStep(this.plateau.start)}–${formatStep(this.plateau.end)})`, color: PLATEAU_FILL, style: 'band' });
    }
    return items;
  }

  private renderLegend(): void {
    const items = this.legendItems();
    const list = element('ul', 'lc-legend-list');
    list.setAttribute('aria-label', 'Loss chart legend');
    for (const item of items) {
      const li = element('li', 'lc-legend-item');
      const swatch = element('span', `lc-swatch lc-swatch-${item.style}`);
      swatch.style.setProperty('--lc-color', item.color);
      swatch.setAttribute('aria-hidden', 'true');
      li.append(swatch, element('span', 'lc-legend-label', item.label));
      if (item.value !== undefined) li.append(element('span', 'lc-legend-value', formatLoss(item.value)));
      list.append(li);
    }
    this.legend.replaceChildren(list);
    this.updateLabel();
  }

  /**
   * The chart for a PNG export: the plot's canvas (with its baselines, markers and plateau)
   * and, under it, the legend drawn as the page lists it, so the picture explains its lines.
   */
  exportCanvas(): HTMLCanvasElement {
    const plotCanvas = this.plot.ctx.canvas;
    const ratio = plotCanvas.width / Math.max(1, this.plot.width);
    const items = this.legendItems();
    const measure = document.createElement('canvas').getContext('2d');
    const font = `${12 * ratio}px ${FONT_FAMILY}`;
    const swatch = 24 * ratio;
    const texts = items.map((item) => (item.value !== undefined ? `${item.label} ${formatLoss(item.value)}` : item.label));
    if (measure) measure.font = font;
    const widths = texts.map((text) => swatch + (measure ? measure.measureText(text).width : text.length * 6.5 * ratio));
    const inset = 8 * ratio;
    const places = legendRows(widths, plotCanvas.width - 2 * inset, 14 * ratio);
    const rowHeight = 18 * ratio;
    const rows = places.length ? places[places.length - 1].row + 1 : 0;
    const canvas = document.createElement('canvas');
    canvas.width = plotCanvas.width;
    canvas.height = plotCanvas.height + rows * rowHeight + 8 * ratio;
    const ctx = canvas.getContext('2d');
    if (!ctx) return plotCanvas;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(plotCanvas, 0, 0);
    ctx.font = font;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    items.forEach((item, k) => {
      const x = inset + places[k].x;
      const y = plotCanvas.height + 4 * ratio + places[k].row * rowHeight + rowHeight / 2;
      ctx.strokeStyle = item.color;
      ctx.fillStyle = item.color;
      ctx.setLineDash(item.style === 'dashed' ? [5 * ratio, 3 * ratio] : item.style === 'dotted' ? [2 * ratio, 2 * ratio] : []);
      if (item.style === 'band') {
        ctx.fillRect(x, y - 6 * ratio, 18 * ratio, 12 * ratio);
      } else if (item.style === 'marker') {
        ctx.lineWidth = 2 * ratio;
        ctx.setLineDash([3 * ratio, 2 * ratio]);
        ctx.beginPath();
        ctx.moveTo(x + 9 * ratio, y - 6 * ratio);
        ctx.lineTo(x + 9 * ratio, y + 6 * ratio);
        ctx.stroke();
      } else {
        ctx.lineWidth = (item.style === 'solid' ? 3 : 2) * ratio;
        ctx.beginPath();
        ctx.moveTo(x, y);
        ctx.lineTo(x + 18 * ratio, y);
        ctx.stroke();
      }
      ctx.setLineDash([]);
      ctx.fillStyle = '#333333';
      ctx.fillText(texts[k], x + swatch, y);
    });
    return canvas;
  }

  /**
   * The values under the pointer; when it is elsewhere, those at the history cursor (a scrubbed
   * step), else the latest ones: the step the toolbar's counters show.
   */
  private updateReadout(idx: number | null): void {
    const data = this.plot?.data;
    const x = data?.[0] ?? [];
    if (x.length === 0) {
      this.readout.textContent = 'no steps yet';
      return;
    }
    const at = idx ?? (this.cursorStep !== null ? lastIndexAtOrBefore(x, this.cursorStep) : x.length - 1);
    const nearest = (series: number): number | null => {
      const column = data[series];
      for (let d = 0; d < column.length; d++) {
        for (const i of [at - d, at + d]) {
          const v = column[i];
          if (i >= 0 && i < column.length && v !== null && v !== undefined && Number.isFinite(v)) return v;
        }
      }
      return null;
    };
    const test = nearest(3);
    const smooth = nearest(2);
    const parts = [`step ${formatStep(x[at])}`];
    if (test !== null) parts.push(`test ${formatLoss(test)}`);
    if (smooth !== null) parts.push(`training ${formatLoss(smooth)}`);
    this.readout.textContent = parts.join(' · ');
  }

  private updateLabel(): void {
    const lastTest = this.test.length ? this.test.values[this.test.length - 1] : NaN;
    const lastStep = this.test.length ? this.test.steps[this.test.length - 1] : NaN;
    const parts = ['Loss chart: test and training loss (nats) by step.'];
    if (Number.isFinite(lastTest)) parts.push(`Test loss ${formatLoss(lastTest)} at step ${formatStep(lastStep)}.`);
    for (const line of this.visibleBaselines()) parts.push(`${line.label}: ${formatLoss(this.baselines[line.key])}.`);
    if (this.phaseStep !== null) parts.push(`${this.phaseLabel} at step ${formatStep(this.phaseStep)}.`);
    if (this.plateau) parts.push(`Shaded: ${this.plateau.label}, steps ${formatStep(this.plateau.start)} to ${formatStep(this.plateau.end)}.`);
    this.plotBox.setAttribute('aria-label', parts.join(' '));
  }
}
