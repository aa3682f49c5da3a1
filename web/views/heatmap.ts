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
//
// This file holds the view itself: its DOM, sizing, and pointer and keyboard handling. Its
// parts: heatmap-spec.ts (the spec and update options), heatmap-colour.ts (colours, domains,
// legend ticks), heatmap-layout.ts (geometry, hit testing, keyboard moves), heatmap-painter.ts
// (the canvas drawing), heatmap-axes.ts (margins and legend) and heatmap-tooltip.ts.

import { cellAt, computeLayout, moveCell, sampleNames, type Cell, type HeatmapLayout } from './heatmap-layout';
import { HeatmapPainter } from './heatmap-painter';
import { colName, legendLabel, rowName, type HeatmapSpec, type HeatmapUpdateOptions } from './heatmap-spec';
import { HeatmapTooltip, type TooltipLine } from './heatmap-tooltip';
import { formatValue } from './vocabulary';
import './views.css';

// The heat map's parts, reachable from here as before.
export { colourFor, colourPosition, colourTable, interpolatorFor, legendTicks, parseColour, resolveDomain } from './heatmap-colour';
export type { HeatmapScale } from './heatmap-colour';
export { cellAt, computeLayout, moveCell, niceStep, tickIndices, wrapText } from './heatmap-layout';
export type { Cell, HeatmapGroup, HeatmapLayout, LayoutInput } from './heatmap-layout';
export type { HeatmapRegion, HeatmapSpec, HeatmapUpdateOptions } from './heatmap-spec';
export { FONT_FAMILY, formatTick, formatValue } from './vocabulary';

// --- The view ------------------------------------------------------------------------------------

type Source = 'pointer' | 'keyboard';

export class Heatmap {
  /** The canvas (for PNG export). */
  readonly canvas: HTMLCanvasElement;
  private readonly figure: HTMLElement;
  private readonly sizer: HTMLElement;
  private readonly tooltip: HeatmapTooltip;
  private readonly live: HTMLElement;
  private readonly painter: HeatmapPainter;
  private spec: HeatmapSpec;
  private values: ArrayLike<number> = new Float64Array(0);
  private rows = 0;
  private cols = 0;
  private masked: ((r: number, c: number) => boolean) | undefined;
  private outline: ReadonlyArray<readonly [number, number]> = [];
  private layout: HeatmapLayout | null = null;
  private availableWidth = 0;
  /** A redraw for a sideways scroll is pending (its animation frame). */
  private scrollFrame = 0;
  /** Whether the map has scrolled sideways yet (openAt applies once). */
  private openedScrolled = false;
  private active: (Cell & { source: Source }) | null = null;
  private lastKeyboardCell: Cell = { row: 0, col: 0 };
  private backgroundColour = '#ffffff';
  private rowMark: HTMLElement | null = null;
  private readonly observer: ResizeObserver | null;

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
    this.tooltip = new HeatmapTooltip(doc);
    this.live = doc.createElement('div');
    this.live.className = 'hm-sr-only';
    this.live.setAttribute('aria-live', 'polite');
    this.figure.append(this.sizer, this.canvas, this.tooltip.element, this.live);
    container.append(this.figure);

    this.painter = new HeatmapPainter(this.canvas);

    this.canvas.addEventListener('pointermove', this.onPointerMove);
    this.canvas.addEventListener('pointerdown', this.onPointerMove);
    this.canvas.addEventListener('pointerleave', this.onPointerLeave);
    this.canvas.addEventListener('keydown', this.onKeyDown);
    this.canvas.addEventListener('focus', this.onFocus);
    this.canvas.addEventListener('blur', this.onBlur);
    doc.addEventListener('pointerdown', this.onDocumentPointerDown, true);
    // A map wider than its box scrolls sideways; its title follows, so it always reads from its start.
    this.figure.addEventListener('scroll', () => {
      if (this.scrollFrame) return;
      this.scrollFrame = requestAnimationFrame(() => {
        this.scrollFrame = 0;
        this.draw();
      });
    }, { passive: true });

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
      this.painter.resetCellImage();
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
    if (this.scrollFrame) cancelAnimationFrame(this.scrollFrame);
    this.figure.remove();
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

  // --- layout and drawing ----------------------------------------------------------------------

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
    const layout = computeLayout(
      {
        width: this.availableWidth,
        dpr: this.currentDpr(),
        rows: this.rows,
        cols: this.cols,
        title: spec.title,
        rowNames: sampleNames(this.rows, (r) => rowName(spec, r)),
        colNames: sampleNames(this.cols, (c) => colName(spec, c)),
        rowGroups: spec.rowGroups,
        colGroups: spec.colGroups,
        showRowTicks: spec.ticks?.rows !== false,
        showColTicks: spec.ticks?.cols !== false,
        legendLabel: legendLabel(spec),
        minCell: spec.minCell,
      },
      (text, font) => this.painter.measure(text, font),
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

  private draw(): void {
    const layout = this.layout;
    if (!layout) return;
    this.painter.draw({
      layout,
      spec: this.spec,
      values: this.values,
      rows: this.rows,
      cols: this.cols,
      masked: this.masked,
      outline: this.outline,
      active: this.active,
      background: this.backgroundColour,
      scrollX: this.figure.scrollLeft,
    });
  }

  // --- tooltip and keyboard --------------------------------------------------------------------

  private valueAt(r: number, c: number): number {
    const i = r * this.cols + c;
    return i < this.values.length ? Number(this.values[i]) : NaN;
  }

  private isMasked(r: number, c: number): boolean {
    return !!this.masked && this.masked(r, c);
  }

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
    this.tooltip.hide();
    this.draw();
  }

  private tooltipLines(): TooltipLine[] {
    const { row, col } = this.active!;
    const masked = this.isMasked(row, col);
    const value = this.valueAt(row, col);
    const lines: TooltipLine[] = [
      [this.spec.rowLabel, rowName(this.spec, row)],
      [this.spec.colLabel, colName(this.spec, col)],
      [legendLabel(this.spec), masked ? 'masked (not used)' : formatValue(value)],
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
    this.tooltip.show(this.tooltipLines(), this.active, layout, this.availableWidth);
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
