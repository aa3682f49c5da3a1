// The heat map's canvas drawing: one frame from a layout, a spec and the values. The cells are
// painted with ImageData at one pixel per cell on a small offscreen canvas, then scaled up
// without smoothing, so they stay crisp at any devicePixelRatio; cells that are not finite get
// a hatched grey, then the frame, separators, outlines, region labels and the active cell's
// ring go on top. The margins and the legend come from heatmap-axes.ts. Keeps what is
// expensive to rebuild (the cell image, the hatch tile, the legend strip) between frames.
import { drawAxes, drawLegend } from './heatmap-axes';
import { LUT_SIZE, NOT_A_NUMBER_RGB, colourTable, resolveDomain, type HeatmapScale } from './heatmap-colour';
import { PAD, REGION_FONT, TITLE_FONT, TITLE_LINE, type Cell, type HeatmapLayout } from './heatmap-layout';
import type { HeatmapSpec } from './heatmap-spec';
import { HEATMAP_INK as COLOURS } from './vocabulary';

/** Everything one frame shows. */
export interface HeatmapFrame {
  layout: HeatmapLayout;
  spec: HeatmapSpec;
  /** rows x cols, row-major. */
  values: ArrayLike<number>;
  rows: number;
  cols: number;
  masked: ((r: number, c: number) => boolean) | undefined;
  outline: ReadonlyArray<readonly [number, number]>;
  /** The cell under the pointer or the keyboard focus, ringed; null for none. */
  active: Cell | null;
  /** The figure's background colour (css). */
  background: string;
  /** How far the map is scrolled sideways (css px): the title stays in view, wrapped to the visible width. */
  scrollX?: number;
}

export class HeatmapPainter {
  private readonly context: CanvasRenderingContext2D;
  private readonly cellCanvas: HTMLCanvasElement;
  private readonly cellContext: CanvasRenderingContext2D;
  private cellImage: ImageData | null = null;
  /** The colour domain of the last cells painted (the legend shows it). */
  private domain: [number, number] = [0, 1];
  private hatch: CanvasPattern | null = null;
  private hatchDpr = 0;
  private legendStrip: HTMLCanvasElement | null = null;
  private legendStripScale: HeatmapScale | null = null;
  private readonly notFinite: number[] = [];

  constructor(private readonly canvas: HTMLCanvasElement) {
    const context = canvas.getContext('2d');
    this.cellCanvas = canvas.ownerDocument.createElement('canvas');
    const cellContext = this.cellCanvas.getContext('2d');
    if (!context || !cellContext) throw new Error('heat map: this browser has no 2D canvas');
    this.context = context;
    this.cellContext = cellContext;
  }

  /** A text's width in css px in `font` (for the layout). */
  measure(text: string, font: string): number {
    this.context.font = font;
    return this.context.measureText(text).width;
  }

  /** The matrix changed shape: the next frame paints its cells into a fresh image. */
  resetCellImage(): void {
    this.cellImage = null;
  }

  draw(frame: HeatmapFrame): void {
    const { layout, spec } = frame;
    const g = this.context;
    const { dpr } = layout;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.globalAlpha = 1;
    g.fillStyle = frame.background;
    g.fillRect(0, 0, this.canvas.width, this.canvas.height);
    g.setTransform(dpr, 0, 0, dpr, 0, 0);

    // Title
    g.fillStyle = COLOURS.title;
    g.font = TITLE_FONT;
    g.textAlign = 'left';
    g.textBaseline = 'alphabetic';
    const titleX = PAD + (frame.scrollX ?? 0);
    layout.titleLines.forEach((line, k) => g.fillText(line, titleX, PAD + 13 + k * TITLE_LINE));

    const hasCells = frame.rows > 0 && frame.cols > 0;
    if (hasCells) {
      this.paintCells(frame);
      this.drawCells(frame);
      drawAxes(g, layout, spec, frame.rows, frame.cols);
    }
    if (spec.legend !== false) drawLegend(g, layout, spec, this.domain, this.legendGradient(spec.scale));
  }

  private hatchPattern(layout: HeatmapLayout): CanvasPattern | null {
    if (this.hatch && this.hatchDpr === layout.dpr) return this.hatch;
    const size = Math.max(4, Math.round(5 * layout.dpr));
    const tile = this.canvas.ownerDocument.createElement('canvas');
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

  private legendGradient(scale: HeatmapScale): HTMLCanvasElement | null {
    if (this.legendStrip && this.legendStripScale === scale) return this.legendStrip;
    if (!this.legendStrip) this.legendStrip = this.canvas.ownerDocument.createElement('canvas');
    const strip = this.legendStrip;
    this.legendStripScale = scale;
    strip.width = LUT_SIZE;
    strip.height = 1;
    const g = strip.getContext('2d');
    if (!g) return null;
    const image = g.createImageData(LUT_SIZE, 1);
    const table = colourTable(scale);
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
  private paintCells(frame: HeatmapFrame): void {
    const { rows, cols, values, masked, spec } = frame;
    if (!this.cellImage || this.cellImage.width !== cols || this.cellImage.height !== rows) {
      this.cellCanvas.width = cols;
      this.cellCanvas.height = rows;
      this.cellImage = this.cellContext.createImageData(cols, rows);
    }
    const include = masked ? (i: number) => !masked(Math.floor(i / cols), i % cols) : undefined;
    this.domain = resolveDomain(spec.scale, values, spec.domain, include);
    const [low, high] = this.domain;
    const span = high > low ? high - low : 1;
    const table = colourTable(spec.scale);
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

  private drawCells(frame: HeatmapFrame): void {
    const { layout, spec, rows, cols } = frame;
    const g = this.context;
    const { dpr, cellDevice } = layout;
    const x0 = Math.round(layout.plotX * dpr);
    const y0 = Math.round(layout.plotY * dpr);
    const w = cols * cellDevice;
    const h = rows * cellDevice;

    g.setTransform(1, 0, 0, 1, 0, 0);
    g.imageSmoothingEnabled = false;
    g.drawImage(this.cellCanvas, 0, 0, cols, rows, x0, y0, w, h);

    // Cells that are not finite: a hatched grey, never a colour.
    if (this.notFinite.length > 0) {
      const pattern = this.hatchPattern(layout);
      if (pattern) {
        g.fillStyle = pattern;
        for (const i of this.notFinite) {
          const r = Math.floor(i / cols);
          const c = i % cols;
          g.fillRect(x0 + c * cellDevice, y0 + r * cellDevice, cellDevice, cellDevice);
        }
      }
    }

    // A hairline frame, so a masked triangle still reads as a square matrix.
    g.strokeStyle = COLOURS.frame;
    g.lineWidth = 1;
    g.strokeRect(x0 - 0.5, y0 - 0.5, w + 1, h + 1);

    // Separators
    const separators = spec.separators;
    if (separators) {
      g.strokeStyle = spec.scale === 'weight' ? COLOURS.separatorOnWeight : COLOURS.separatorOnSigned;
      g.lineWidth = Math.max(1, Math.round(dpr));
      const offset = (g.lineWidth % 2) / 2;
      g.beginPath();
      for (const r of separators.rows ?? []) {
        if (r <= 0 || r >= rows) continue;
        const y = y0 + r * cellDevice + offset;
        g.moveTo(x0, y);
        g.lineTo(x0 + w, y);
      }
      for (const c of separators.cols ?? []) {
        if (c <= 0 || c >= cols) continue;
        const x = x0 + c * cellDevice + offset;
        g.moveTo(x, y0);
        g.lineTo(x, y0 + h);
      }
      g.stroke();
    }

    // Outlines: a dark ring with a white ring inside, visible on every colour of both maps.
    if (frame.outline.length > 0) {
      const cssWidth = layout.cell >= 10 ? 1.25 : layout.cell >= 6 ? 1 : 0.75;
      const line = Math.max(1, Math.round(cssWidth * dpr));
      for (const [pass, colour] of [
        [0, 'rgba(0, 0, 0, 0.9)'],
        [1, '#ffffff'],
      ] as const) {
        g.strokeStyle = colour;
        g.lineWidth = line;
        g.beginPath();
        for (const [r, c] of frame.outline) {
          if (r < 0 || c < 0 || r >= rows || c >= cols) continue;
          const inset = line / 2 + pass * line;
          const size = cellDevice - 2 * inset;
          if (size <= 0) continue;
          g.rect(x0 + c * cellDevice + inset, y0 + r * cellDevice + inset, size, size);
        }
        g.stroke();
      }
    }

    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.drawRegions(frame);

    // The cell under the pointer or the keyboard focus.
    if (frame.active) {
      const cell = layout.cell;
      const x = layout.plotX + frame.active.col * cell;
      const y = layout.plotY + frame.active.row * cell;
      g.lineWidth = 3;
      g.strokeStyle = '#ffffff';
      g.strokeRect(x - 1.5, y - 1.5, cell + 3, cell + 3);
      g.lineWidth = 1.5;
      g.strokeStyle = '#111111';
      g.strokeRect(x - 1.5, y - 1.5, cell + 3, cell + 3);
    }
  }

  private drawRegions(frame: HeatmapFrame): void {
    const { layout, rows, cols } = frame;
    const regions = frame.spec.regions;
    if (!regions || regions.length === 0) return;
    const g = this.context;
    g.font = REGION_FONT;
    g.textBaseline = 'middle';
    g.textAlign = 'right';
    const boxes = regions.map((region) => ({
      region,
      right: layout.plotX + Math.min(cols, region.colEnd) * layout.cell,
      left: layout.plotX + Math.max(0, region.colStart) * layout.cell,
      top: layout.plotY + Math.max(0, region.rowStart) * layout.cell,
      bottom: layout.plotY + Math.min(rows, region.rowEnd) * layout.cell,
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
