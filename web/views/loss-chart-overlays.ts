// What the loss chart draws on its plot besides the curves, in two layers (lines under the
// curves, labels over them): the plateau band, the baselines and their labels, the history cursor, the interventions' lines
// and labels (on rows that keep off each other and off the baselines' labels), and the phase
// marker, whose badge the chart places in its strip above the plot.
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
}

/**
 * Draws one layer of the overlays on u's canvas: `lines` (the band and the lines) under the
 * curves, `labels` over them, so a curve is never hidden by a line and a label never crossed by a
 * curve; the labels' translucent halo lets a curve under one show through. Both layers lay the
 * labels out alike. Returns the phase marker's x (device px), or null when it is not in view.
 */
export function drawOverlays(u: uPlot, state: OverlayState, layer: 'lines' | 'labels'): number | null {
  const lines = layer === 'lines';
  const ctx = u.ctx;
  const ratio = uPlot.pxRatio;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.font = `${11 * ratio}px ${FONT_FAMILY}`;
  ctx.textBaseline = 'bottom';
  ctx.lineJoin = 'round';

  const withHalo = (text: string, x: number, y: number, color: string) => {
    if (lines) return;
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.75)';
    ctx.lineWidth = 3 * ratio;
    ctx.strokeText(text, x, y);
    ctx.fillStyle = color;
    ctx.fillText(text, x, y);
  };

  // The plateau: a shaded band under everything else, labelled at its top.
  if (state.plateau) {
    const x0 = Math.max(left, u.valToPos(state.plateau.start, 'x', true));
    const x1 = Math.min(left + width, u.valToPos(state.plateau.end, 'x', true));
    if (x1 >= x0) {
      const bandWidth = Math.max(x1 - x0, 2 * ratio);
      if (lines) {
        ctx.fillStyle = PLATEAU_FILL;
        ctx.fillRect(x0, top, bandWidth, height);
      }
      // One word on the plot (the legend and the label for screen readers say the rest).
      const label = 'plateau';
      const textWidth = ctx.measureText(label).width;
      const fitsRight = x0 + 4 * ratio + textWidth < left + width;
      ctx.textAlign = fitsRight ? 'left' : 'right';
      withHalo(label, fitsRight ? x0 + 4 * ratio : x1 - 4 * ratio, top + 14 * ratio, PLATEAU_INK);
    }
  }

  // Baselines, labelled at the right end unless a label would collide with the one above.
  const placedLabels: number[] = [];
  // Boxes of the labels drawn so far ([x0, x1, y0, y1], device px): the interventions' keep off them.
  const taken: [number, number, number, number][] = [];
  for (const { line, value } of state.baselines) {
    const y = u.valToPos(value, 'y', true);
    if (y < top - 1 || y > top + height + 1) continue;
    if (lines) {
      ctx.strokeStyle = line.color;
      ctx.lineWidth = 1.5 * ratio;
      ctx.setLineDash(line.dash.map((d) => d * ratio));
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + width, y);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    // Above the line, or below it when the line hugs the top of the plot.
    const labelBottom = y - 2 * ratio - 11 * ratio > top ? y - 2 * ratio : y + 13 * ratio;
    if (placedLabels.every((other) => Math.abs(other - labelBottom) > 12 * ratio)) {
      ctx.textAlign = 'right';
      withHalo(line.label, left + width - 4 * ratio, labelBottom, line.color);
      placedLabels.push(labelBottom);
      const labelWidth = ctx.measureText(line.label).width;
      taken.push([left + width - 4 * ratio - labelWidth, left + width, labelBottom - 12 * ratio, labelBottom]);
    }
  }

  const vertical = (step: number, color: string, dash: number[], lineWidth: number) => {
    const x = u.valToPos(step, 'x', true);
    if (x < left - 1 || x > left + width + 1) return null;
    if (!lines) return x;
    ctx.strokeStyle = color;
    ctx.lineWidth = lineWidth * ratio;
    ctx.setLineDash(dash.map((d) => d * ratio));
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.setLineDash([]);
    return x;
  };

  if (state.cursorStep !== null) vertical(state.cursorStep, COLOR.cursor, [], 1.5);
  // Interventions, labelled from the bottom up: each label on the lowest row where it overlaps
  // no other label, up to six rows as the plot's height allows; a label with no free row is left
  // off (its line stays, and the JSON export lists every intervention).
  const rowCount = Math.max(1, Math.min(6, Math.floor((height - 16 * ratio) / (13 * ratio))));
  const rows: [number, number][][] = Array.from({ length: rowCount }, () => []);
  const rowBottom = (row: number) => top + height - (3 + 13 * row) * ratio;
  const clear = (span: [number, number], row: number) =>
    rows[row].every(([a, b]) => span[1] <= a || b <= span[0]) &&
    taken.every(([x0, x1, y0, y1]) => span[1] <= x0 || x1 <= span[0] || rowBottom(row) <= y0 || y1 <= rowBottom(row) - 12 * ratio);
  state.interventions.forEach((marker) => {
    const x = vertical(marker.step, COLOR.intervention, [2, 3], 1.25);
    if (x === null) return;
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
    if (row < 0) return;
    rows[row].push(spanAt(start));
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    withHalo(marker.label, start, rowBottom(row), COLOR.intervention);
  });
  let badgeX: number | null = null;
  if (state.phaseStep !== null) {
    const x = vertical(state.phaseStep, COLOR.marker, [5, 4], 1.25);
    if (x !== null) badgeX = x;
  }
  ctx.restore();
  return badgeX;
}
