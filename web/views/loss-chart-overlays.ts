// What the loss chart draws on its plot besides the curves, in two layers (lines under the
// curves, labels over them): the plateau band, the baselines and their labels, the history
// cursor, the interventions' lines and labels (on rows that keep off each other and off the
// baselines' labels), and the phase marker, whose badge the chart places in its strip above the
// plot. One layout per draw (layoutOverlays) serves both layers.
import uPlot from 'uplot';
import type { Baselines, PlateauBand } from './loss-chart';
import { FONT_FAMILY, LOSS_COLOURS } from './vocabulary';

const COLOR = LOSS_COLOURS;

export interface BaselineLine {
  key: keyof Omit<Baselines, 'multiParent'>;
  label: string;
  color: string;
  dash: number[];
}
export const BASELINE_LINES: BaselineLine[] = [
  { key: 'bayes', label: 'Bayes (knows the graph)', color: COLOR.bayes, dash: [6, 4] },
  { key: 'one_parent', label: 'one parent only', color: COLOR.oneParent, dash: [6, 4] },
  { key: 'unigram', label: 'unigram', color: COLOR.unigram, dash: [6, 4] },
  { key: 'uniform', label: 'uniform (log S)', color: COLOR.uniform, dash: [2, 3] },
];

export const PLATEAU_FILL = 'rgba(230, 159, 0, 0.16)';
export const PLATEAU_INK = '#8a5a00';

/** What to draw: the chart's markers as they are now. */
export interface OverlayState {
  plateau: PlateauBand | null;
  /** The baselines shown, with their values. */
  baselines: { line: BaselineLine; value: number }[];
  cursorStep: number | null;
  interventions: readonly { step: number; label: string }[];
  /** The phase marker's step (null: none). */
  phaseStep: number | null;
  /** The test loss at the right end of the plot, where the baselines' labels go (null: none yet). */
  latestLoss?: number | null;
}

/** A label placed on the plot (device px; `y` is the text's bottom). */
interface PlacedLabel {
  text: string;
  x: number;
  y: number;
  align: CanvasTextAlign;
  color: string;
}

/** Where everything of the overlays goes on the plot, for one draw (device px). */
export interface OverlayLayout {
  band: { x: number; width: number } | null;
  /** The baselines in view: their y and dash. */
  baselines: { y: number; line: BaselineLine }[];
  cursorX: number | null;
  interventionXs: number[];
  /** The phase marker's x, or null when it is not in view. */
  phaseX: number | null;
  labels: PlacedLabel[];
}

const LABEL_FONT_PX = 11;

function withLabelFont<T>(u: uPlot, body: (ctx: CanvasRenderingContext2D, ratio: number) => T): T {
  const ctx = u.ctx;
  ctx.save();
  ctx.font = `${LABEL_FONT_PX * uPlot.pxRatio}px ${FONT_FAMILY}`;
  try {
    return body(ctx, uPlot.pxRatio);
  } finally {
    ctx.restore();
  }
}

/**
 * Where the overlays go: the lines at their values, the labels where they keep off each other.
 * The baselines' labels sit at the right end, on the side of their line away from the
 * test curve there (above when the curve is below or unknown; below when the line hugs the plot's top), unless one would collide with a label placed before it; the plateau's word sits at
 * the band's top, below any baseline that crosses there; the interventions' labels go on the
 * lowest of up to six rows where they overlap no other label (a label with no free row is left
 * off: its line stays, and the JSON export lists every intervention).
 */
export function layoutOverlays(u: uPlot, state: OverlayState): OverlayLayout {
  return withLabelFont(u, (ctx, ratio) => {
    const { left, top, width, height } = u.bbox;
    const xIn = (step: number) => {
      const x = u.valToPos(step, 'x', true);
      return x < left - 1 || x > left + width + 1 ? null : x;
    };
    const labels: PlacedLabel[] = [];
    // Boxes of the labels placed so far ([x0, x1, y0, y1]): later labels keep off them.
    const taken: [number, number, number, number][] = [];
    const lineHeight = 12 * ratio;

    const baselines: OverlayLayout['baselines'] = [];
    for (const { line, value } of state.baselines) {
      const y = u.valToPos(value, 'y', true);
      if (y < top - 1 || y > top + height + 1) continue;
      baselines.push({ y, line });
      // On the side of the line away from the curves at the right end (below it when the loss is
      // above, as it is over Bayes), else above it, or below when the line hugs the plot's top.
      const below = y + 13 * ratio, above = y - 2 * ratio;
      const curvesAbove = state.latestLoss !== undefined && state.latestLoss !== null && state.latestLoss > value;
      const labelBottom = curvesAbove && below <= top + height - ratio ? below : above - LABEL_FONT_PX * ratio > top ? above : below;
      const labelWidth = ctx.measureText(line.label).width;
      const x1 = left + width - 4 * ratio;
      if (taken.some(([, , , bottom]) => Math.abs(bottom - labelBottom) <= lineHeight)) continue;
      labels.push({ text: line.label, x: x1, y: labelBottom, align: 'right', color: line.color });
      taken.push([x1 - labelWidth, left + width, labelBottom - lineHeight, labelBottom]);
    }

    let band: OverlayLayout['band'] = null;
    if (state.plateau) {
      const x0 = Math.max(left, u.valToPos(state.plateau.start, 'x', true));
      const x1 = Math.min(left + width, u.valToPos(state.plateau.end, 'x', true));
      if (x1 >= x0) {
        band = { x: x0, width: Math.max(x1 - x0, 2 * ratio) };
        // One word on the plot (the legend and the label for screen readers say the rest), at the
        // band's top, moved down past a baseline line or label in its way.
        const text = 'plateau';
        const textWidth = ctx.measureText(text).width;
        const fitsRight = x0 + 4 * ratio + textWidth < left + width;
        const start = fitsRight ? x0 + 4 * ratio : x1 - 4 * ratio - textWidth;
        let y = top + 14 * ratio;
        const crosses = (bottom: number) =>
          baselines.some((b) => b.y > bottom - lineHeight - ratio && b.y < bottom + 2 * ratio) ||
          taken.some(([a, b, y0, y1]) => start < b && a < start + textWidth && bottom > y0 && bottom - lineHeight < y1);
        for (let tries = 0; tries < 8 && crosses(y); tries++) y += lineHeight;
        if (!crosses(y)) {
          labels.push({ text, x: start, y, align: 'left', color: PLATEAU_INK });
          taken.push([start, start + textWidth, y - lineHeight, y]);
        }
      }
    }

    const rowCount = Math.max(1, Math.min(6, Math.floor((height - 16 * ratio) / (13 * ratio))));
    const rows: [number, number][][] = Array.from({ length: rowCount }, () => []);
    const rowBottom = (row: number) => top + height - (3 + 13 * row) * ratio;
    const clear = (span: [number, number], row: number) =>
      rows[row].every(([a, b]) => span[1] <= a || b <= span[0]) &&
      taken.every(([x0, x1, y0, y1]) => span[1] <= x0 || x1 <= span[0] || rowBottom(row) <= y0 || y1 <= rowBottom(row) - lineHeight);
    const interventionXs: number[] = [];
    for (const marker of state.interventions) {
      const x = xIn(marker.step);
      if (x === null) continue;
      interventionXs.push(x);
      const textWidth = ctx.measureText(marker.label).width;
      // Right of the line where it fits in the plot, else left of it; on each row, the other side if that one is taken.
      const right = x + 4 * ratio, leftOf = x - 4 * ratio - textWidth;
      const sides = (right + textWidth < left + width ? [right] : []).concat(leftOf >= left ? [leftOf] : []);
      if (sides.length === 0) sides.push(right + textWidth < left + width ? right : leftOf);
      const spanAt = (start: number): [number, number] => [start - 3 * ratio, start + textWidth + 3 * ratio];
      let row = -1, start = sides[0];
      for (let k = 0; k < rows.length && row < 0; k++) {
        const side = sides.find((candidate) => clear(spanAt(candidate), k));
        if (side !== undefined) [row, start] = [k, side];
      }
      if (row < 0) continue;
      rows[row].push(spanAt(start));
      labels.push({ text: marker.label, x: start, y: rowBottom(row), align: 'left', color: COLOR.intervention });
    }

    return {
      band,
      baselines,
      cursorX: state.cursorStep === null ? null : xIn(state.cursorStep),
      interventionXs,
      phaseX: state.phaseStep === null ? null : xIn(state.phaseStep),
      labels,
    };
  });
}

/** The layer under the curves: the plateau band, the baselines, the cursor, the interventions' and the phase marker's lines. */
export function drawOverlayLines(u: uPlot, layout: OverlayLayout): void {
  const ctx = u.ctx;
  const ratio = uPlot.pxRatio;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  if (layout.band) {
    ctx.fillStyle = PLATEAU_FILL;
    ctx.fillRect(layout.band.x, top, layout.band.width, height);
  }
  const stroke = (color: string, dash: number[], lineWidth: number, from: [number, number], to: [number, number]) => {
    ctx.strokeStyle = color;
    ctx.lineWidth = lineWidth * ratio;
    ctx.setLineDash(dash.map((d) => d * ratio));
    ctx.beginPath();
    ctx.moveTo(...from);
    ctx.lineTo(...to);
    ctx.stroke();
  };
  for (const { y, line } of layout.baselines) stroke(line.color, line.dash, 1.5, [left, y], [left + width, y]);
  const vertical = (x: number, color: string, dash: number[], lineWidth: number) => stroke(color, dash, lineWidth, [x, top], [x, top + height]);
  if (layout.cursorX !== null) vertical(layout.cursorX, COLOR.cursor, [], 1.5);
  for (const x of layout.interventionXs) vertical(x, COLOR.intervention, [2, 3], 1.25);
  if (layout.phaseX !== null) vertical(layout.phaseX, COLOR.marker, [5, 4], 1.25);
  ctx.restore();
}

/**
 * The layer over the curves: the labels, each with a translucent halo, so a curve is never drawn
 * over a label and a curve under one still shows through.
 */
export function drawOverlayLabels(u: uPlot, layout: OverlayLayout): void {
  withLabelFont(u, (ctx, ratio) => {
    const { left, top, width, height } = u.bbox;
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.textBaseline = 'bottom';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.75)';
    ctx.lineWidth = 3 * ratio;
    for (const label of layout.labels) {
      ctx.textAlign = label.align;
      ctx.strokeText(label.text, label.x, label.y);
      ctx.fillStyle = label.color;
      ctx.fillText(label.text, label.x, label.y);
    }
  });
}
