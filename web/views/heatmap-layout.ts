// The heat map's layout: where the title, ticks, brackets, plot and legend go, word wrap, hit
// testing and keyboard moves. DOM-free (text widths come from a `measure` function), so it is
// tested in Node.
import { FONT_FAMILY } from './vocabulary';

/** A labelled span of rows or columns [start, end), drawn as a bracket in the margin. */
export interface HeatmapGroup {
  start: number;
  end: number;
  label: string;
  /** Used when `label` does not fit the span. */
  shortLabel?: string;
}

export interface Cell {
  row: number;
  col: number;
}

export const TITLE_FONT = `600 13px ${FONT_FAMILY}`;
export const LABEL_FONT = `11px ${FONT_FAMILY}`;
export const TICK_FONT = `10px ${FONT_FAMILY}`;
export const REGION_FONT = `500 10px ${FONT_FAMILY}`;
export const TITLE_LINE = 17;
export const PAD = 2;
const MAX_PLOT_HEIGHT = 480; // css px: a square 20x20 map stops growing past this
const MAX_CELL = 32; // css px: tiny matrices do not become posters
export const LEGEND_BAR = 8;

// --- Ticks ---------------------------------------------------------------------------------------

/** The smallest of 1, 2, 5, 10, 20, 50, ... that is at least `minimum`. */
export function niceStep(minimum: number): number {
  if (!(minimum > 1)) return 1;
  let power = 1;
  for (;;) {
    for (const m of [1, 2, 5]) if (m * power >= minimum) return m * power;
    power *= 10;
  }
}

/**
 * Indices that get a tick name, at least `step` apart: multiples of `step` counted from 0, or
 * from the start of each group when there are groups (group starts come first).
 */
export function tickIndices(count: number, step: number, groups?: ReadonlyArray<HeatmapGroup>): number[] {
  if (count <= 0) return [];
  const spans = groups && groups.length > 0 ? groups : [{ start: 0, end: count, label: '' }];
  const starts: number[] = [];
  const others: number[] = [];
  for (const span of spans) {
    const start = Math.max(0, span.start);
    const end = Math.min(count, span.end);
    for (let i = start; i < end; i += step) (i === start ? starts : others).push(i);
  }
  const kept: number[] = [];
  for (const i of [...starts, ...others]) {
    if (kept.every((k) => Math.abs(k - i) >= step)) kept.push(i);
  }
  return kept.sort((a, b) => a - b);
}

export interface LayoutInput {
  /** css px available */
  width: number;
  dpr: number;
  rows: number;
  cols: number;
  title: string;
  rowNames: string[];
  colNames: string[];
  rowGroups?: ReadonlyArray<HeatmapGroup>;
  colGroups?: ReadonlyArray<HeatmapGroup>;
  showRowTicks: boolean;
  showColTicks: boolean;
  legendLabel: string;
  /** css px: cells never get smaller than this; a wider map scrolls sideways (a long, flat matrix on a phone). */
  minCell?: number;
}

export interface HeatmapLayout {
  /** css px of the canvas */
  width: number;
  height: number;
  dpr: number;
  rows: number;
  cols: number;
  titleLines: string[];
  /** top-left of the plot in css px, on a device-pixel boundary */
  plotX: number;
  plotY: number;
  /** one cell: whole device pixels, and the same in css px */
  cellDevice: number;
  cell: number;
  plotWidth: number;
  plotHeight: number;
  rowTicks: number[];
  colTicks: number[];
  /** right edge of the row tick names */
  rowTickRight: number;
  /** x of the row group brackets, centre of the rotated row label */
  rowGroupX: number;
  rowLabelX: number;
  colGroupY: number;
  colTickY: number;
  colLabelY: number;
  legendX: number;
  legendY: number;
  legendWidth: number;
  showLegendLabel: boolean;
}

/** Greedy word wrap. */
export function wrapText(text: string, maxWidth: number, measure: (text: string) => number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && measure(candidate) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [''];
}

/**
 * Where everything goes, in css px. `measure(text, font)` is the text width (a canvas's
 * measureText in the browser, anything in tests). The plot keeps square cells of a whole
 * number of device pixels and fits the width; past MAX_PLOT_HEIGHT it stops growing. With
 * `minCell` it never shrinks below that, and the layout comes out wider than `width`.
 */
export function computeLayout(input: LayoutInput, measure: (text: string, font: string) => number): HeatmapLayout {
  const { width, dpr, rows, cols } = input;
  const widest = (names: string[]) => names.reduce((m, name) => Math.max(m, measure(name, TICK_FONT)), 0);
  const titleLines = wrapText(input.title, Math.max(40, width - 2 * PAD), (t) => measure(t, TITLE_FONT));
  const rowTickWidth = input.showRowTicks ? Math.ceil(widest(input.rowNames)) : 0;
  const colTickWidth = input.showColTicks ? Math.ceil(widest(input.colNames)) : 0;
  const hasRowGroups = !!input.rowGroups && input.rowGroups.length > 0;
  const hasColGroups = !!input.colGroups && input.colGroups.length > 0;

  // Horizontal: rotated row label | row group brackets | row tick names | plot.
  let x = PAD;
  const rowLabelX = x + 7;
  x += 15;
  const rowGroupX = x + 7;
  if (hasRowGroups) x += 16;
  x += rowTickWidth + (input.showRowTicks ? 5 : 1);
  const plotXDevice = Math.round(x * dpr);
  const plotX = plotXDevice / dpr;
  const rightMargin = PAD + (input.showColTicks ? Math.ceil(colTickWidth / 2) : 0);
  const available = Math.max(1, width - plotX - rightMargin);
  const fitted = Math.min(cols > 0 ? available / cols : 0, rows > 0 ? MAX_PLOT_HEIGHT / rows : 0, MAX_CELL);
  const cellCss = Math.max(fitted, input.minCell ?? 0);
  const cellDevice = Math.max(1, Math.floor(cellCss * dpr));
  const cell = cellDevice / dpr;
  const plotWidth = cols * cell;
  const plotHeight = rows * cell;

  // Vertical: title | column group brackets | plot | column tick names | column label | legend.
  let y = PAD + titleLines.length * TITLE_LINE + 6;
  const colGroupY = y + 11;
  if (hasColGroups) y += 18;
  const plotYDevice = Math.round(y * dpr);
  const plotY = plotYDevice / dpr;
  y = plotY + plotHeight;
  const colTickY = y + 12;
  if (input.showColTicks) y += 15;
  else y += 3;
  const colLabelY = y + 12;
  y += 17;
  const legendY = y + 4;
  y = legendY + LEGEND_BAR + 16;
  const height = Math.ceil(y + PAD);

  const rowStep = niceStep(Math.ceil(12 / cell));
  const colStep = niceStep(Math.ceil((colTickWidth + 6) / cell));
  const rowTicks = input.showRowTicks ? tickIndices(rows, rowStep, input.rowGroups) : [];
  const colTicks = input.showColTicks ? tickIndices(cols, colStep, input.colGroups) : [];

  const plotRoom = Math.max(available, plotWidth);
  const labelWidth = input.legendLabel ? measure(input.legendLabel, LABEL_FONT) + 10 : 0;
  let legendWidth = Math.min(200, Math.max(100, plotRoom - labelWidth));
  const showLegendLabel = !!input.legendLabel && legendWidth + labelWidth <= plotRoom + rightMargin;
  if (!showLegendLabel) legendWidth = Math.min(200, plotRoom);

  return {
    width: Math.max(width, Math.ceil(plotX + plotWidth + rightMargin)),
    height,
    dpr,
    rows,
    cols,
    titleLines,
    plotX,
    plotY,
    cellDevice,
    cell,
    plotWidth,
    plotHeight,
    rowTicks,
    colTicks,
    rowTickRight: plotX - 4,
    rowGroupX,
    rowLabelX,
    colGroupY,
    colTickY,
    colLabelY,
    legendX: plotX,
    legendY,
    legendWidth,
    showLegendLabel,
  };
}

/** The cell under a point (css px relative to the canvas), or null outside the plot. */
export function cellAt(x: number, y: number, layout: Pick<HeatmapLayout, 'plotX' | 'plotY' | 'cell' | 'rows' | 'cols'>): Cell | null {
  const { plotX, plotY, cell, rows, cols } = layout;
  if (!(cell > 0)) return null;
  const col = Math.floor((x - plotX) / cell);
  const row = Math.floor((y - plotY) / cell);
  if (x < plotX || y < plotY || row < 0 || col < 0 || row >= rows || col >= cols) return null;
  return { row, col };
}

/** The cell a key moves to (arrows, Home/End, PageUp/PageDown), or null for other keys. */
export function moveCell(from: Cell, key: string, rows: number, cols: number): Cell | null {
  const clampRow = (r: number) => Math.max(0, Math.min(rows - 1, r));
  const clampCol = (c: number) => Math.max(0, Math.min(cols - 1, c));
  switch (key) {
    case 'ArrowUp':
      return { row: clampRow(from.row - 1), col: from.col };
    case 'ArrowDown':
      return { row: clampRow(from.row + 1), col: from.col };
    case 'ArrowLeft':
      return { row: from.row, col: clampCol(from.col - 1) };
    case 'ArrowRight':
      return { row: from.row, col: clampCol(from.col + 1) };
    case 'Home':
      return { row: from.row, col: 0 };
    case 'End':
      return { row: from.row, col: cols - 1 };
    case 'PageUp':
      return { row: clampRow(from.row - 5), col: from.col };
    case 'PageDown':
      return { row: clampRow(from.row + 5), col: from.col };
    default:
      return null;
  }
}

/** Names of indices 0..count-1 for measuring; a sample when there are very many. */
export function sampleNames(count: number, name: (i: number) => string): string[] {
  const names: string[] = [];
  const stride = Math.max(1, Math.floor(count / 200));
  for (let i = 0; i < count; i += stride) names.push(name(i));
  if (count > 0 && (count - 1) % stride !== 0) names.push(name(count - 1));
  return names;
}
