// A heat map of one matrix on a canvas: the cells are painted with ImageData at one pixel per
// cell on a small offscreen canvas, then scaled up without smoothing onto the visible canvas,
// so cells stay crisp at any devicePixelRatio. Outlines, separators, labels and the colour
// legend are drawn as vectors on top. Everything the figure shows is on the one canvas (it
// exports as a PNG as it is); the DOM holds only the tooltip and a live region for keyboard
// reading.
//
// rows x cols values, row-major. 'weight' maps [0, 1] through viridis; 'signed' maps a domain
// symmetric around 0 through the colour-blind-safe PuOr (negative purple, positive orange).
// Values that are not finite are never drawn as a colour: they get a hatched grey.
//
// The DOM-free parts (colours, domains, ticks, layout, hit testing, keyboard moves) are
// exported functions so they can be tested without a browser.

import {
  LUT_SIZE,
  NOT_A_NUMBER_RGB,
  colourTable,
  legendTicks,
  resolveDomain,
  type HeatmapScale,
} from './heatmap-colour';
import {
  LABEL_FONT,
  LEGEND_BAR,
  PAD,
  REGION_FONT,
  TICK_FONT,
  TITLE_FONT,
  TITLE_LINE,
  cellAt,
  computeLayout,
  moveCell,
  sampleNames,
  type Cell,
  type HeatmapGroup,
  type HeatmapLayout,
} from './heatmap-layout';
import { formatTick, formatValue, HEATMAP_INK as COLOURS } from './vocabulary';
import './views.css';

// The heat map's parts, reachable from here as before.
export { colourFor, colourPosition, colourTable, interpolatorFor, legendTicks, parseColour, resolveDomain } from './heatmap-colour';
export type { HeatmapScale } from './heatmap-colour';
export { cellAt, computeLayout, moveCell, niceStep, tickIndices, wrapText } from './heatmap-layout';
export type { Cell, HeatmapGroup, HeatmapLayout, LayoutInput } from './heatmap-layout';
export { FONT_FAMILY, formatTick, formatValue } from './vocabulary';

// --- Public types ------------------------------------------------------------------------------

/** A labelled block of the matrix; the label sits in its top-right corner when it fits. */
export interface HeatmapRegion {
  rowStart: number;
  rowEnd: number;
  colStart: number;
  colEnd: number;
  label: string;
  /** Used for every region when one full label does not fit, e.g. 'tok→pos'. */
  shortLabel?: string;
}

export interface HeatmapSpec {
  /** Shown above the map. */
  title: string;
  /** e.g. 'query position i' */
  rowLabel: string;
  /** e.g. 'key position j' */
  colLabel: string;
  /** weight: viridis on [0,1]; signed: diverging, symmetric around 0, domain max |v| unless `domain` is set. */
  scale: HeatmapScale;
  domain?: [number, number];
  /** Tick and tooltip names (default: the index). */
  rowNames?: (r: number) => string;
  colNames?: (c: number) => string;
  /** An extra tooltip line, e.g. 'true edge: yes'. */
  describeCell?: (r: number, c: number, value: number) => string;
  /** Thin lines drawn before these indices (block boundaries). */
  separators?: { rows?: number[]; cols?: number[] };
  ariaLabel?: string;
  // Additions beyond the first draft of the API; all optional.
  /** Labelled spans along the axes (e.g. 'token' / 'position', or parts of the residual stream). */
  rowGroups?: ReadonlyArray<HeatmapGroup>;
  colGroups?: ReadonlyArray<HeatmapGroup>;
  /** Labelled blocks (e.g. 'token→position'); a label is left out when its block is too small. */
  regions?: ReadonlyArray<HeatmapRegion>;
  /** Words after the legend bar and before the tooltip value (default 'weight' or 'value'). */
  legendLabel?: string;
  /** false hides the tick names along that axis (the tooltip still names every cell). */
  ticks?: { rows?: boolean; cols?: boolean };
  /** false leaves the colour legend out (small multiples share one). */
  legend?: boolean;
  /** css px: the smallest cell; a map that would need smaller ones scrolls sideways instead. */
  minCell?: number;
  /** Where a map that scrolls sideways first shows: its start (default) or its end. */
  openAt?: 'start' | 'end';
  /** Told when the pointer or keyboard focus enters a cell, and null when it leaves (linked views). */
  onActiveCell?: (cell: Cell | null) => void;
}

export interface HeatmapUpdateOptions {
  /** true: the cell is left blank (e.g. the causal upper triangle). */
  masked?: (r: number, c: number) => boolean;
  /** Cells outlined with a bright two-tone border (e.g. the true parents). */
  outline?: ReadonlyArray<readonly [number, number]>;
}

// --- The view ------------------------------------------------------------------------------------

type Source = 'pointer' | 'keyboard';

export class Heatmap {
  /** The canvas (for PNG export). */
  readonly canvas: HTMLCanvasElement;
  private readonly figure: HTMLElement;
  private readonly sizer: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly tooltipValues: Text[];
  private readonly tooltipKeys: HTMLElement[];
  private readonly tooltipRows: HTMLElement[];
  private readonly live: HTMLElement;
  private readonly context: CanvasRenderingContext2D;
  private readonly cellCanvas: HTMLCanvasElement;
  private readonly cellContext: CanvasRenderingContext2D;
  private cellImage: ImageData | null = null;
  private spec: HeatmapSpec;
  private values: ArrayLike<number> = new Float64Array(0);
  private rows = 0;
  private cols = 0;
  private masked: ((r: number, c: number) => boolean) | undefined;
  private outline: ReadonlyArray<readonly [number, number]> = [];
  private domain: [number, number] = [0, 1];
  private layout: HeatmapLayout | null = null;
  private availableWidth = 0;
  /** Whether the map has scrolled sideways yet (openAt applies once). */
  private openedScrolled = false;
  private active: (Cell & { source: Source }) | null = null;
  private lastKeyboardCell: Cell = { row: 0, col: 0 };
  private hatch: CanvasPattern | null = null;
  private hatchDpr = 0;
  private legendStrip: HTMLCanvasElement | null = null;
  private legendStripScale: HeatmapScale | null = null;
  private backgroundColour = '#ffffff';
  private readonly observer: ResizeObserver | null;
  private readonly notFinite: number[] = [];

  constructor(container: HTMLElement, spec: HeatmapSpec) {
    this.spec = { ...spec };
    const doc = container.ownerDocument;
    this.figure = doc.createElement('figure');
    this.figure.className = 'hm';
    this.sizer = doc.createElement('div');
    this.sizer.className = 'hm-sizer';
    this.canvas = doc.createElement('canvas');
    this.canvas.className = 'hm-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-roledescription', 'heat map');
    this.tooltip = doc.createElement('div');
    this.tooltip.className = 'hm-tooltip';
    this.tooltip.hidden = true;
    this.tooltip.setAttribute('aria-hidden', 'true');
    this.tooltipKeys = [];
    this.tooltipValues = [];
    this.tooltipRows = [];
    for (let i = 0; i < 4; i++) {
      const row = doc.createElement('div');
      row.className = i === 3 ? 'hm-tooltip-note' : 'hm-tooltip-row';
      const key = doc.createElement('span');
      key.className = 'hm-tooltip-key';
      const value = doc.createTextNode('');
      row.append(key, value);
      this.tooltip.append(row);
      this.tooltipRows.push(row);
      this.tooltipKeys.push(key);
      this.tooltipValues.push(value);
    }
    this.live = doc.createElement('div');
    this.live.className = 'hm-sr-only';
    this.live.setAttribute('aria-live', 'polite');
    this.figure.append(this.sizer, this.canvas, this.tooltip, this.live);
    container.append(this.figure);

    const context = this.canvas.getContext('2d');
    this.cellCanvas = doc.createElement('canvas');
    const cellContext = this.cellCanvas.getContext('2d');
    if (!context || !cellContext) throw new Error('heat map: this browser has no 2D canvas');
    this.context = context;
    this.cellContext = cellContext;

    this.canvas.addEventListener('pointermove', this.onPointerMove);
    this.canvas.addEventListener('pointerdown', this.onPointerMove);
    this.canvas.addEventListener('pointerleave', this.onPointerLeave);
    this.canvas.addEventListener('keydown', this.onKeyDown);
    this.canvas.addEventListener('focus', this.onFocus);
    this.canvas.addEventListener('blur', this.onBlur);
    doc.addEventListener('pointerdown', this.onDocumentPointerDown, true);

    this.observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this.onResize());
    this.observer?.observe(this.sizer);
    this.updateAriaLabel();
    this.onResize();
  }

  update(values: ArrayLike<number>, rows: number, cols: number, options: HeatmapUpdateOptions = {}): void {
    const shapeChanged = rows !== this.rows || cols !== this.cols;
    this.values = values;
    this.rows = Math.max(0, Math.floor(rows));
    this.cols = Math.max(0, Math.floor(cols));
    this.masked = options.masked;
    this.outline = options.outline ?? [];
    if (this.active && (this.active.row >= this.rows || this.active.col >= this.cols)) this.hideActive();
    if (shapeChanged) {
      this.cellImage = null;
      this.relayout();
    }
    this.draw();
    if (this.active) this.showTooltip();
  }

  setSpec(partial: Partial<HeatmapSpec>): void {
    this.spec = { ...this.spec, ...partial };
    // Only the domain and the tooltip line: a redraw; anything else may move things: a relayout.
    const cheap = Object.keys(partial).every((key) => key === 'domain' || key === 'describeCell');
    if (!cheap) {
      this.updateAriaLabel();
      this.relayout();
    }
    this.draw();
    if (this.active) this.showTooltip();
  }

  destroy(): void {
    this.observer?.disconnect();
    this.canvas.removeEventListener('pointermove', this.onPointerMove);
    this.canvas.removeEventListener('pointerdown', this.onPointerMove);
    this.canvas.removeEventListener('pointerleave', this.onPointerLeave);
    this.canvas.removeEventListener('keydown', this.onKeyDown);
    this.canvas.removeEventListener('focus', this.onFocus);
    this.canvas.removeEventListener('blur', this.onBlur);
    this.figure.ownerDocument.removeEventListener('pointerdown', this.onDocumentPointerDown, true);
    this.figure.remove();
  }

  // --- layout and drawing ----------------------------------------------------------------------

  private rowName(r: number): string {
    return this.spec.rowNames ? this.spec.rowNames(r) : String(r);
  }

  private colName(c: number): string {
    return this.spec.colNames ? this.spec.colNames(c) : String(c);
  }

  private legendLabel(): string {
    return this.spec.legendLabel ?? (this.spec.scale === 'weight' ? 'weight' : 'value');
  }

  private updateAriaLabel(): void {
    const spec = this.spec;
    const label =
      spec.ariaLabel ??
      `${spec.title}. Heat map of ${spec.rowLabel} by ${spec.colLabel}. Arrow keys move between cells and read their values.`;
    this.canvas.setAttribute('aria-label', label);
    this.figure.setAttribute('aria-label', spec.title);
  }

  private onResize(): void {
    const width = this.sizer.getBoundingClientRect().width;
    const dpr = this.currentDpr();
    if (width <= 0) return; // hidden: keep what was drawn
    if (Math.abs(width - this.availableWidth) < 0.5 && this.layout && this.layout.dpr === dpr) return;
    this.availableWidth = width;
    this.relayout();
    this.draw();
    if (this.active) this.showTooltip();
  }

  private currentDpr(): number {
    const dpr = this.figure.ownerDocument.defaultView?.devicePixelRatio ?? 1;
    return dpr > 0 && Number.isFinite(dpr) ? dpr : 1;
  }

  private relayout(): void {
    if (this.availableWidth <= 0) return;
    const spec = this.spec;
    const context = this.context;
    const measure = (text: string, font: string) => {
      context.font = font;
      return context.measureText(text).width;
    };
    const layout = computeLayout(
      {
        width: this.availableWidth,
        dpr: this.currentDpr(),
        rows: this.rows,
        cols: this.cols,
        title: spec.title,
        rowNames: sampleNames(this.rows, (r) => this.rowName(r)),
        colNames: sampleNames(this.cols, (c) => this.colName(c)),
        rowGroups: spec.rowGroups,
        colGroups: spec.colGroups,
        showRowTicks: spec.ticks?.rows !== false,
        showColTicks: spec.ticks?.cols !== false,
        legendLabel: this.legendLabel(),
        minCell: spec.minCell,
      },
      measure,
    );
    this.layout = layout;
    this.backgroundColour = this.background();
    const deviceWidth = Math.round(layout.width * layout.dpr);
    const deviceHeight = Math.round(layout.height * layout.dpr);
    if (this.canvas.width !== deviceWidth) this.canvas.width = deviceWidth;
    if (this.canvas.height !== deviceHeight) this.canvas.height = deviceHeight;
    this.canvas.style.width = `${deviceWidth / layout.dpr}px`;
    this.canvas.style.height = `${deviceHeight / layout.dpr}px`;
    this.figure.style.height = `${deviceHeight / layout.dpr}px`;
    const scrolls = layout.width > this.availableWidth + 0.5;
    this.figure.style.overflowX = scrolls ? 'auto' : '';
    // The first time it scrolls, it opens where the spec says; after that the visitor's scroll stays.
    if (scrolls && !this.openedScrolled) {
      this.openedScrolled = true;
      if (this.spec.openAt === 'end') this.figure.scrollLeft = this.figure.scrollWidth;
    }
  }

  private background(): string {
    const view = this.figure.ownerDocument.defaultView;
    const value = view ? view.getComputedStyle(this.figure).getPropertyValue('--hm-bg').trim() : '';
    return value || '#ffffff';
  }

  private hatchPattern(): CanvasPattern | null {
    const layout = this.layout;
    if (!layout) return null;
    if (this.hatch && this.hatchDpr === layout.dpr) return this.hatch;
    const size = Math.max(4, Math.round(5 * layout.dpr));
    const tile = this.figure.ownerDocument.createElement('canvas');
    tile.width = size;
    tile.height = size;
    const g = tile.getContext('2d');
    if (!g) return null;
    g.fillStyle = `rgb(${NOT_A_NUMBER_RGB.join(',')})`;
    g.fillRect(0, 0, size, size);
    g.strokeStyle = '#8d8d8d';
    g.lineWidth = Math.max(1, layout.dpr * 0.9);
    g.beginPath();
    // A diagonal that tiles seamlessly: the main one and the two corner pieces.
    g.moveTo(0, size);
    g.lineTo(size, 0);
    g.moveTo(-size / 2, size / 2);
    g.lineTo(size / 2, -size / 2);
    g.moveTo(size / 2, size * 1.5);
    g.lineTo(size * 1.5, size / 2);
    g.stroke();
    this.hatch = this.context.createPattern(tile, 'repeat');
    this.hatchDpr = layout.dpr;
    return this.hatch;
  }

  private legendGradient(): HTMLCanvasElement | null {
    if (this.legendStrip && this.legendStripScale === this.spec.scale) return this.legendStrip;
    if (!this.legendStrip) this.legendStrip = this.figure.ownerDocument.createElement('canvas');
    const strip = this.legendStrip;
    this.legendStripScale = this.spec.scale;
    strip.width = LUT_SIZE;
    strip.height = 1;
    const g = strip.getContext('2d');
    if (!g) return null;
    const image = g.createImageData(LUT_SIZE, 1);
    const table = colourTable(this.spec.scale);
    for (let i = 0; i < LUT_SIZE; i++) {
      image.data[i * 4] = table[i * 3];
      image.data[i * 4 + 1] = table[i * 3 + 1];
      image.data[i * 4 + 2] = table[i * 3 + 2];
      image.data[i * 4 + 3] = 255;
    }
    g.putImageData(image, 0, 0);
    return strip;
  }

  /** Paints the cells into the one-pixel-per-cell canvas; remembers the cells that are not finite. */
  private paintCells(): void {
    const { rows, cols, values, masked } = this;
    if (!this.cellImage || this.cellImage.width !== cols || this.cellImage.height !== rows) {
      this.cellCanvas.width = cols;
      this.cellCanvas.height = rows;
      this.cellImage = this.cellContext.createImageData(cols, rows);
    }
    const include = masked ? (i: number) => !masked(Math.floor(i / cols), i % cols) : undefined;
    this.domain = resolveDomain(this.spec.scale, values, this.spec.domain, include);
    const [low, high] = this.domain;
    const span = high > low ? high - low : 1;
    const table = colourTable(this.spec.scale);
    const pixels = this.cellImage.data;
    this.notFinite.length = 0;
    for (let r = 0, i = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++, i++) {
        const p = i * 4;
        if (masked && masked(r, c)) {
          pixels[p + 3] = 0;
          continue;
        }
        const v = i < values.length ? values[i] : NaN;
        if (!Number.isFinite(v)) {
          pixels[p] = NOT_A_NUMBER_RGB[0];
          pixels[p + 1] = NOT_A_NUMBER_RGB[1];
          pixels[p + 2] = NOT_A_NUMBER_RGB[2];
          pixels[p + 3] = 255;
          this.notFinite.push(i);
          continue;
        }
        let t = (v - low) / span;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const k = Math.round(t * (LUT_SIZE - 1)) * 3;
        pixels[p] = table[k];
        pixels[p + 1] = table[k + 1];
        pixels[p + 2] = table[k + 2];
        pixels[p + 3] = 255;
      }
    }
    this.cellContext.putImageData(this.cellImage, 0, 0);
  }

  private draw(): void {
    const layout = this.layout;
    if (!layout) return;
    const g = this.context;
    const { dpr } = layout;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.globalAlpha = 1;
    g.fillStyle = this.backgroundColour;
    g.fillRect(0, 0, this.canvas.width, this.canvas.height);
    g.setTransform(dpr, 0, 0, dpr, 0, 0);

    // Title
    g.fillStyle = COLOURS.title;
    g.font = TITLE_FONT;
    g.textAlign = 'left';
    g.textBaseline = 'alphabetic';
    layout.titleLines.forEach((line, k) => g.fillText(line, PAD, PAD + 13 + k * TITLE_LINE));

    const hasCells = this.rows > 0 && this.cols > 0;
    if (hasCells) {
      this.paintCells();
      this.drawCells();
      this.drawAxes();
    }
    if (this.spec.legend !== false) this.drawLegend();
  }

  private drawCells(): void {
    const layout = this.layout!;
    const g = this.context;
    const { dpr, cellDevice } = layout;
    const x0 = Math.round(layout.plotX * dpr);
    const y0 = Math.round(layout.plotY * dpr);
    const w = this.cols * cellDevice;
    const h = this.rows * cellDevice;

    g.setTransform(1, 0, 0, 1, 0, 0);
    g.imageSmoothingEnabled = false;
    g.drawImage(this.cellCanvas, 0, 0, this.cols, this.rows, x0, y0, w, h);

    // Cells that are not finite: a hatched grey, never a colour.
    if (this.notFinite.length > 0) {
      const pattern = this.hatchPattern();
      if (pattern) {
        g.fillStyle = pattern;
        for (const i of this.notFinite) {
          const r = Math.floor(i / this.cols);
          const c = i % this.cols;
          g.fillRect(x0 + c * cellDevice, y0 + r * cellDevice, cellDevice, cellDevice);
        }
      }
    }

    // A hairline frame, so a masked triangle still reads as a square matrix.
    g.strokeStyle = COLOURS.frame;
    g.lineWidth = 1;
    g.strokeRect(x0 - 0.5, y0 - 0.5, w + 1, h + 1);

    // Separators
    const separators = this.spec.separators;
    if (separators) {
      g.strokeStyle = this.spec.scale === 'weight' ? COLOURS.separatorOnWeight : COLOURS.separatorOnSigned;
      g.lineWidth = Math.max(1, Math.round(dpr));
      const offset = (g.lineWidth % 2) / 2;
      g.beginPath();
      for (const r of separators.rows ?? []) {
        if (r <= 0 || r >= this.rows) continue;
        const y = y0 + r * cellDevice + offset;
        g.moveTo(x0, y);
        g.lineTo(x0 + w, y);
      }
      for (const c of separators.cols ?? []) {
        if (c <= 0 || c >= this.cols) continue;
        const x = x0 + c * cellDevice + offset;
        g.moveTo(x, y0);
        g.lineTo(x, y0 + h);
      }
      g.stroke();
    }

    // Outlines: a dark ring with a white ring inside, visible on every colour of both maps.
    if (this.outline.length > 0) {
      const cssWidth = layout.cell >= 10 ? 1.25 : layout.cell >= 6 ? 1 : 0.75;
      const line = Math.max(1, Math.round(cssWidth * dpr));
      for (const [pass, colour] of [
        [0, 'rgba(0, 0, 0, 0.9)'],
        [1, '#ffffff'],
      ] as const) {
        g.strokeStyle = colour;
        g.lineWidth = line;
        g.beginPath();
        for (const [r, c] of this.outline) {
          if (r < 0 || c < 0 || r >= this.rows || c >= this.cols) continue;
          const inset = line / 2 + pass * line;
          const size = cellDevice - 2 * inset;
          if (size <= 0) continue;
          g.rect(x0 + c * cellDevice + inset, y0 + r * cellDevice + inset, size, size);
        }
        g.stroke();
      }
    }

    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.drawRegions();

    // The cell under the pointer or the keyboard focus.
    if (this.active) {
      const cell = layout.cell;
      const x = layout.plotX + this.active.col * cell;
      const y = layout.plotY + this.active.row * cell;
      g.lineWidth = 3;
      g.strokeStyle = '#ffffff';
      g.strokeRect(x - 1.5, y - 1.5, cell + 3, cell + 3);
      g.lineWidth = 1.5;
      g.strokeStyle = '#111111';
      g.strokeRect(x - 1.5, y - 1.5, cell + 3, cell + 3);
    }
  }

  private drawRegions(): void {
    const regions = this.spec.regions;
    const layout = this.layout!;
    if (!regions || regions.length === 0) return;
    const g = this.context;
    g.font = REGION_FONT;
    g.textBaseline = 'middle';
    g.textAlign = 'right';
    const boxes = regions.map((region) => ({
      region,
      right: layout.plotX + Math.min(this.cols, region.colEnd) * layout.cell,
      left: layout.plotX + Math.max(0, region.colStart) * layout.cell,
      top: layout.plotY + Math.max(0, region.rowStart) * layout.cell,
      bottom: layout.plotY + Math.min(this.rows, region.rowEnd) * layout.cell,
    }));
    const fits = (text: string, box: (typeof boxes)[number]) =>
      g.measureText(text).width + 10 <= box.right - box.left && box.bottom - box.top >= 18;
    // Full names when all of them fit, else the short ones: the blocks read as one family.
    const useShort = boxes.some((box) => !fits(box.region.label, box));
    for (const box of boxes) {
      const text = useShort ? (box.region.shortLabel ?? box.region.label) : box.region.label;
      if (!fits(text, box)) continue;
      const boxWidth = g.measureText(text).width + 8;
      g.fillStyle = 'rgba(255, 255, 255, 0.82)';
      roundRect(g, box.right - boxWidth - 2, box.top + 2, boxWidth, 14, 3);
      g.fill();
      g.fillStyle = '#3c4043';
      g.fillText(text, box.right - 6, box.top + 9.5);
    }
  }

  private drawAxes(): void {
    const layout = this.layout!;
    const spec = this.spec;
    const g = this.context;
    const cell = layout.cell;

    g.fillStyle = COLOURS.tick;
    g.font = TICK_FONT;
    g.textBaseline = 'middle';
    g.textAlign = 'right';
    for (const r of layout.rowTicks) g.fillText(this.rowName(r), layout.rowTickRight, layout.plotY + (r + 0.5) * cell);
    g.textBaseline = 'alphabetic';
    g.textAlign = 'center';
    for (const c of layout.colTicks) g.fillText(this.colName(c), layout.plotX + (c + 0.5) * cell, layout.colTickY);

    // Group brackets and names
    g.strokeStyle = COLOURS.bracket;
    g.lineWidth = 1;
    for (const group of spec.colGroups ?? []) {
      const x1 = layout.plotX + Math.max(0, group.start) * cell + 1.5;
      const x2 = layout.plotX + Math.min(this.cols, group.end) * cell - 1.5;
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
      const y2 = layout.plotY + Math.min(this.rows, group.end) * cell - 1.5;
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

  private drawLegend(): void {
    const layout = this.layout!;
    const g = this.context;
    const { legendX: x, legendY: y, legendWidth: width } = layout;
    const strip = this.legendGradient();
    if (strip) {
      g.imageSmoothingEnabled = true;
      g.drawImage(strip, 0, 0, LUT_SIZE, 1, x, y, width, LEGEND_BAR);
    }
    g.strokeStyle = 'rgba(0, 0, 0, 0.12)';
    g.lineWidth = 1;
    g.strokeRect(x + 0.5, y + 0.5, width - 1, LEGEND_BAR - 1);

    const [low, high] = this.domain;
    const ticks = legendTicks(this.spec.scale, this.domain);
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
      g.fillText(this.legendLabel(), x + width + 10, y + LEGEND_BAR / 2);
    }
  }

  // --- tooltip and keyboard --------------------------------------------------------------------

  private valueAt(r: number, c: number): number {
    const i = r * this.cols + c;
    return i < this.values.length ? Number(this.values[i]) : NaN;
  }

  private isMasked(r: number, c: number): boolean {
    return !!this.masked && this.masked(r, c);
  }

  /** The plot's left edge in the canvas and the cell size (css px), once laid out. */
  plotGeometry(): { plotX: number; cell: number } | null {
    return this.layout ? { plotX: this.layout.plotX, cell: this.layout.cell } : null;
  }

  /** Marks one row (e.g. the query position under the pointer elsewhere); null clears it. */
  highlightRow(row: number | null): void {
    const layout = this.layout;
    if (row === null || !layout || row < 0 || row >= this.rows) {
      if (this.rowMark) this.rowMark.hidden = true;
      return;
    }
    if (!this.rowMark) {
      this.rowMark = this.figure.ownerDocument.createElement('div');
      this.rowMark.className = 'hm-row-mark';
      this.rowMark.setAttribute('aria-hidden', 'true');
      this.figure.append(this.rowMark);
    }
    const mark = this.rowMark;
    mark.hidden = false;
    mark.style.left = `${layout.plotX - 2}px`;
    mark.style.top = `${layout.plotY + row * layout.cell - 1}px`;
    mark.style.width = `${layout.plotWidth + 4}px`;
    mark.style.height = `${layout.cell + 2}px`;
  }
  private rowMark: HTMLElement | null = null;

  private setActive(cell: Cell, source: Source): void {
    const same = this.active && this.active.row === cell.row && this.active.col === cell.col && this.active.source === source;
    if (!same || !this.active) this.spec.onActiveCell?.({ row: cell.row, col: cell.col });
    this.active = { ...cell, source };
    if (source === 'keyboard') this.lastKeyboardCell = cell;
    if (!same) this.draw();
    this.showTooltip();
    if (source === 'keyboard') this.live.textContent = this.describeActive();
  }

  private hideActive(): void {
    if (!this.active) return;
    this.active = null;
    this.spec.onActiveCell?.(null);
    this.tooltip.hidden = true;
    this.draw();
  }

  private tooltipLines(): [string, string][] {
    const { row, col } = this.active!;
    const masked = this.isMasked(row, col);
    const value = this.valueAt(row, col);
    const lines: [string, string][] = [
      [this.spec.rowLabel, this.rowName(row)],
      [this.spec.colLabel, this.colName(col)],
      [this.legendLabel(), masked ? 'masked (not used)' : formatValue(value)],
    ];
    if (!masked && this.spec.describeCell) lines.push(['', this.spec.describeCell(row, col, value)]);
    return lines;
  }

  private describeActive(): string {
    return this.tooltipLines()
      .map(([key, value]) => (key ? `${key} ${value}` : value))
      .join(', ');
  }

  private showTooltip(): void {
    const layout = this.layout;
    if (!this.active || !layout) return;
    const lines = this.tooltipLines();
    for (let i = 0; i < 4; i++) {
      const line = lines[i];
      this.tooltipRows[i].hidden = !line || (!line[0] && !line[1]);
      if (!line) continue;
      const keyText = line[0] ? `${line[0]} ` : '';
      if (this.tooltipKeys[i].textContent !== keyText) this.tooltipKeys[i].textContent = keyText;
      if (this.tooltipValues[i].data !== line[1]) this.tooltipValues[i].data = line[1];
    }
    this.tooltip.hidden = false;
    const { row, col } = this.active;
    const cellLeft = layout.plotX + col * layout.cell;
    const cellTop = layout.plotY + row * layout.cell;
    const width = this.tooltip.offsetWidth;
    const height = this.tooltip.offsetHeight;
    const figureWidth = Math.max(layout.width, this.availableWidth);
    let x = cellLeft + layout.cell + 10;
    let y = cellTop - height - 6;
    if (y < 0) y = cellTop + layout.cell + 10;
    if (x + width > figureWidth) x = cellLeft - width - 10;
    if (x < 0) x = Math.max(0, Math.min(figureWidth - width, cellLeft + layout.cell / 2 - width / 2));
    y = Math.max(0, Math.min(layout.height - height, y));
    this.tooltip.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
  }

  private readonly onPointerMove = (event: PointerEvent): void => {
    if (!this.layout) return;
    const rect = this.canvas.getBoundingClientRect();
    const cell = cellAt(event.clientX - rect.left, event.clientY - rect.top, this.layout);
    if (!cell || this.isMasked(cell.row, cell.col)) {
      if (this.active?.source === 'pointer') this.hideActive();
      return;
    }
    this.setActive(cell, 'pointer');
  };

  private readonly onPointerLeave = (event: PointerEvent): void => {
    if (event.pointerType === 'mouse' && this.active?.source === 'pointer') this.hideActive();
  };

  private readonly onDocumentPointerDown = (event: PointerEvent): void => {
    if (event.target !== this.canvas && this.active?.source === 'pointer') this.hideActive();
  };

  private readonly onFocus = (): void => {
    if (!this.canvas.matches(':focus-visible') || this.rows === 0 || this.cols === 0) return;
    const cell = {
      row: Math.min(this.lastKeyboardCell.row, this.rows - 1),
      col: Math.min(this.lastKeyboardCell.col, this.cols - 1),
    };
    this.setActive(cell, 'keyboard');
  };

  private readonly onBlur = (): void => {
    if (this.active?.source === 'keyboard') this.hideActive();
  };

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (this.rows === 0 || this.cols === 0) return;
    if (event.key === 'Escape') {
      this.hideActive();
      return;
    }
    const from = this.active ?? this.lastKeyboardCell;
    const to = moveCell(from, event.key, this.rows, this.cols);
    if (!to) return;
    event.preventDefault();
    this.setActive(to, 'keyboard');
  };
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

function roundRect(g: CanvasRenderingContext2D, x: number, y: number, width: number, height: number, radius: number): void {
  g.beginPath();
  g.moveTo(x + radius, y);
  g.arcTo(x + width, y, x + width, y + height, radius);
  g.arcTo(x + width, y + height, x, y + height, radius);
  g.arcTo(x, y + height, x, y, radius);
  g.arcTo(x, y, x + width, y, radius);
  g.closePath();
}
