// The heat map's margins, drawn as vectors on its canvas: the tick names, the group brackets
// and their names, the axis names, and the colour legend (bar, ticks, label). Called by the
// painter (heatmap-painter.ts) with the context already scaled to css px.
import { LUT_SIZE, legendTicks } from './heatmap-colour';
import { LABEL_FONT, LEGEND_BAR, PAD, TICK_FONT, type HeatmapGroup, type HeatmapLayout } from './heatmap-layout';
import { colName, legendLabel, rowName, type HeatmapSpec } from './heatmap-spec';
import { formatTick, HEATMAP_INK as COLOURS } from './vocabulary';

/** Tick names, group brackets with their names, and the two axis names. */
export function drawAxes(g: CanvasRenderingContext2D, layout: HeatmapLayout, spec: HeatmapSpec, rows: number, cols: number): void {
  const cell = layout.cell;

  g.fillStyle = COLOURS.tick;
  g.font = TICK_FONT;
  g.textBaseline = 'middle';
  g.textAlign = 'right';
  for (const r of layout.rowTicks) g.fillText(rowName(spec, r), layout.rowTickRight, layout.plotY + (r + 0.5) * cell);
  g.textBaseline = 'alphabetic';
  g.textAlign = 'center';
  for (const c of layout.colTicks) g.fillText(colName(spec, c), layout.plotX + (c + 0.5) * cell, layout.colTickY);

  // Group brackets and names
  g.strokeStyle = COLOURS.bracket;
  g.lineWidth = 1;
  for (const group of spec.colGroups ?? []) {
    const x1 = layout.plotX + Math.max(0, group.start) * cell + 1.5;
    const x2 = layout.plotX + Math.min(cols, group.end) * cell - 1.5;
    if (x2 <= x1) continue;
    const y = layout.plotY - 4.5;
    g.beginPath();
    g.moveTo(x1, y + 2);
    g.lineTo(x1, y);
    g.lineTo(x2, y);
    g.lineTo(x2, y + 2);
    g.stroke();
    const label = fitLabel(g, group, x2 - x1, LABEL_FONT);
    if (label) {
      g.fillStyle = COLOURS.label;
      g.font = LABEL_FONT;
      g.textAlign = 'center';
      g.fillText(label, (x1 + x2) / 2, layout.colGroupY);
    }
  }
  for (const group of spec.rowGroups ?? []) {
    const y1 = layout.plotY + Math.max(0, group.start) * cell + 1.5;
    const y2 = layout.plotY + Math.min(rows, group.end) * cell - 1.5;
    if (y2 <= y1) continue;
    const x = layout.rowGroupX + 6.5;
    g.beginPath();
    g.moveTo(x + 2, y1);
    g.lineTo(x, y1);
    g.lineTo(x, y2);
    g.lineTo(x + 2, y2);
    g.stroke();
    const label = fitLabel(g, group, y2 - y1, LABEL_FONT);
    if (label) {
      g.save();
      g.translate(layout.rowGroupX - 1, (y1 + y2) / 2);
      g.rotate(-Math.PI / 2);
      g.fillStyle = COLOURS.label;
      g.font = LABEL_FONT;
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      g.fillText(label, 0, 0);
      g.restore();
    }
  }

  // Axis names
  g.fillStyle = COLOURS.label;
  g.font = LABEL_FONT;
  g.textAlign = 'center';
  g.textBaseline = 'alphabetic';
  const centreX = layout.plotX + Math.min(layout.plotWidth, layout.width - layout.plotX) / 2;
  g.fillText(spec.colLabel, Math.max(centreX, g.measureText(spec.colLabel).width / 2 + PAD), layout.colLabelY);
  g.save();
  g.translate(layout.rowLabelX, layout.plotY + layout.plotHeight / 2);
  g.rotate(-Math.PI / 2);
  g.textBaseline = 'middle';
  const rowLabel = ellipsize(g, spec.rowLabel, Math.max(layout.plotHeight + 40, 60));
  g.fillText(rowLabel, 0, 0);
  g.restore();
}

/** The colour legend: `strip` (the colour table, LUT_SIZE x 1) stretched over the bar, its ticks and its label. */
export function drawLegend(
  g: CanvasRenderingContext2D,
  layout: HeatmapLayout,
  spec: HeatmapSpec,
  domain: [number, number],
  strip: HTMLCanvasElement | null,
): void {
  const { legendX: x, legendY: y, legendWidth: width } = layout;
  if (strip) {
    g.imageSmoothingEnabled = true;
    g.drawImage(strip, 0, 0, LUT_SIZE, 1, x, y, width, LEGEND_BAR);
  }
  g.strokeStyle = 'rgba(0, 0, 0, 0.12)';
  g.lineWidth = 1;
  g.strokeRect(x + 0.5, y + 0.5, width - 1, LEGEND_BAR - 1);

  const [low, high] = domain;
  const ticks = legendTicks(spec.scale, domain);
  const place = (v: number) => x + ((v - low) / (high - low || 1)) * width;
  g.font = TICK_FONT;
  g.fillStyle = COLOURS.tick;
  g.textBaseline = 'alphabetic';
  // Tick names centred on their ticks, kept inside the bar's span; fewer when they would touch.
  const labelBox = (v: number) => {
    const half = g.measureText(formatTick(v)).width / 2;
    const centre = Math.min(Math.max(place(v), x - 2 + half), x + width + 2 - half);
    return { centre, left: centre - half, right: centre + half };
  };
  const overlaps = (list: number[]) => list.some((v, i) => i > 0 && labelBox(v).left < labelBox(list[i - 1]).right + 5);
  let shown = ticks;
  if (overlaps(shown)) shown = shown.filter((_, i) => i % 2 === 0);
  if (overlaps(shown)) shown = [shown[0], shown[shown.length - 1]];
  g.textAlign = 'center';
  for (const v of shown) {
    g.fillRect(Math.round(place(v) * layout.dpr) / layout.dpr - 0.5, y + LEGEND_BAR, 1, 3);
    g.fillText(formatTick(v), labelBox(v).centre, y + LEGEND_BAR + 13);
  }
  if (layout.showLegendLabel) {
    g.font = LABEL_FONT;
    g.fillStyle = COLOURS.label;
    g.textAlign = 'left';
    g.textBaseline = 'middle';
    g.fillText(legendLabel(spec), x + width + 10, y + LEGEND_BAR / 2);
  }
}

// --- small drawing helpers -------------------------------------------------------------------------

function fitLabel(g: CanvasRenderingContext2D, group: HeatmapGroup, room: number, font: string): string | null {
  g.font = font;
  if (g.measureText(group.label).width + 4 <= room) return group.label;
  if (group.shortLabel && g.measureText(group.shortLabel).width + 4 <= room) return group.shortLabel;
  return null;
}

function ellipsize(g: CanvasRenderingContext2D, text: string, room: number): string {
  if (g.measureText(text).width <= room) return text;
  let cut = text;
  while (cut.length > 1 && g.measureText(`${cut}…`).width > room) cut = cut.slice(0, -1);
  return `${cut}…`;
}
