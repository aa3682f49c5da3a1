// The learned parameters as the paper's figures show them: per first-layer head, A_1 split into
// its token and position blocks (rows the query side x_i, columns the key side x_j), and the
// readout W, transposed so that its long side (the residual stream d_L) runs across the page,
// with the stream's parts labelled: x, then each head's output, layer by layer.
//
// S vocab, T tokens, d_l width of the stream entering layer l (d_0 = S + T,
// d_l = d_{l-1} (1 + H_l)). The stream at the end is [x, layer-1 heads, layer-2 heads, ...],
// where a layer-l head's output lives in the space of the stream entering layer l.

import { Heatmap, type HeatmapGroup, type HeatmapRegion } from './heatmap';
import './views.css';

export interface BlocksData {
  S: number;
  T: number;
  /** (L + 1) d_l */
  widths: number[];
  /** per first-layer head, (d0, d0) row-major, d0 = S + T */
  A1: Float32Array[];
  /** (d_L, S) row-major */
  W: Float32Array;
  /**
   * 'standard': the stream x_i = wte[s_i] + wpe[i] is a sum, so A_1 has no token and position
   * blocks and W's features no parts: both are drawn whole, unnamed. Default 'catformer'.
   */
  model?: 'catformer' | 'standard';
}

// --- DOM-free helpers --------------------------------------------------------------------------

/** Name of row or column k of x = [onehot(token), onehot(position)]: 'tok 3' or 'pos 7'. */
export function embeddingName(k: number, S: number): string {
  return k < S ? `tok ${k}` : `pos ${k - S}`;
}

/** The token and position spans of x. */
export function embeddingGroups(S: number, T: number): HeatmapGroup[] {
  return [
    { start: 0, end: S, label: 'token', shortLabel: 'tok' },
    { start: S, end: S + T, label: 'position', shortLabel: 'pos' },
  ];
}

/** The four blocks of A_1: 'token→token', 'token→position', 'position→token', 'position→position' (query→key). */
export function a1Regions(S: number, T: number): HeatmapRegion[] {
  const spans = [
    { name: 'token', short: 'tok', start: 0, end: S },
    { name: 'position', short: 'pos', start: S, end: S + T },
  ];
  const regions: HeatmapRegion[] = [];
  for (const rows of spans)
    for (const cols of spans)
      regions.push({
        rowStart: rows.start,
        rowEnd: rows.end,
        colStart: cols.start,
        colEnd: cols.end,
        label: `${rows.name}→${cols.name}`,
        shortLabel: `${rows.short}→${cols.short}`,
      });
  return regions;
}

/** The stream widths d_0..d_L, starting at S + T even if the caller's list left d_0 out. */
export function normalizeWidths(S: number, T: number, widths: ReadonlyArray<number>): number[] {
  const d0 = S + T;
  const list = widths.filter((w) => Number.isInteger(w) && w > 0);
  return list.length > 0 && list[0] === d0 ? [...list] : [d0, ...list];
}

/** Heads per layer, H_l = d_l / d_{l-1} - 1. */
export function headsPerLayer(widths: ReadonlyArray<number>): number[] {
  const heads: number[] = [];
  for (let l = 1; l < widths.length; l++) heads.push(Math.round(widths[l] / widths[l - 1]) - 1);
  return heads;
}

export interface StreamPart extends HeatmapGroup {
  /** 0 for x, else the layer whose head wrote this part */
  layer: number;
  head: number;
}

/** The parts of the last stream (d_L): x, then layer 1's heads, layer 2's heads, ... */
export function streamParts(widths: ReadonlyArray<number>): StreamPart[] {
  const parts: StreamPart[] = [{ start: 0, end: widths[0], label: 'x', shortLabel: 'x', layer: 0, head: 0 }];
  headsPerLayer(widths).forEach((heads, l) => {
    const width = widths[l];
    for (let h = 1; h <= heads; h++) {
      parts.push({
        start: width * h,
        end: width * (h + 1),
        label: `layer-${l + 1} head ${h}`,
        shortLabel: `L${l + 1}h${h}`,
        layer: l + 1,
        head: h,
      });
    }
  });
  return parts;
}

/**
 * The name of feature k of the last stream: 'x · tok 3', 'layer-1 head 1 · pos 6', or
 * 'layer-2 head 1 · layer-1 head 1 · tok 3' (what layer 2's head copied of layer 1's head).
 */
export function featureName(k: number, S: number, widths: ReadonlyArray<number>): string {
  const path: string[] = [];
  let rest = k;
  for (let level = widths.length - 1; level > 0; level--) {
    const width = widths[level - 1];
    const block = Math.floor(rest / width);
    rest -= block * width;
    if (block > 0) path.push(`layer-${level} head ${block}`);
  }
  if (path.length === 0) path.push('x');
  return `${path.join(' · ')} · ${embeddingName(rest, S)}`;
}

/** (rows, cols) row-major -> (cols, rows) row-major, into `out` when it has the right length. */
export function transpose(values: ArrayLike<number>, rows: number, cols: number, out?: Float64Array): Float64Array {
  const result = out && out.length === rows * cols ? out : new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) result[c * rows + r] = r * cols + c < values.length ? values[r * cols + c] : NaN;
  return result;
}

/** The largest finite |v| over several arrays (0 when there is none). */
export function largestMagnitude(arrays: ReadonlyArray<ArrayLike<number>>): number {
  let largest = 0;
  for (const values of arrays)
    for (let i = 0; i < values.length; i++) {
      const magnitude = Math.abs(values[i]);
      if (magnitude > largest && Number.isFinite(magnitude)) largest = magnitude;
    }
  return largest;
}

// --- The view ----------------------------------------------------------------------------------

/** css px: the readout's smallest cell (its 10 x 120 cells stay readable on a 375 px phone). */
export const READOUT_MIN_CELL = 6;

export class BlocksView {
  private readonly root: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly readoutContainer: HTMLElement;
  private a1Maps: { item: HTMLElement; heatmap: Heatmap }[] = [];
  private readout: Heatmap | null = null;
  private shapeKey = '';
  private transposed: Float64Array = new Float64Array(0);

  constructor(container: HTMLElement) {
    const doc = container.ownerDocument;
    this.root = doc.createElement('div');
    this.root.className = 'blk-view';
    this.grid = doc.createElement('div');
    this.grid.className = 'blk-grid';
    this.readoutContainer = doc.createElement('div');
    this.readoutContainer.className = 'blk-readout';
    this.root.append(this.grid, this.readoutContainer);
    container.append(this.root);
  }

  update(data: BlocksData): void {
    const { S, T } = data;
    const widths = normalizeWidths(S, T, data.widths);
    const d0 = S + T;
    const dL = widths[widths.length - 1];
    const named = data.model !== 'standard';
    const key = `${S}:${T}:${widths.join(',')}:${data.A1.length}:${named}`;
    if (key !== this.shapeKey) {
      this.shapeKey = key;
      if (named) this.rebuild(S, T, widths, data.A1.length);
      else this.rebuildUnnamed(d0, dL, data.A1.length);
    }

    // One colour domain for all first-layer heads, so they can be compared.
    const largest = largestMagnitude(data.A1);
    const domain: [number, number] = largest > 0 ? [-largest, largest] : [-1, 1];
    this.a1Maps.forEach(({ heatmap }, h) => {
      heatmap.setSpec({ domain });
      heatmap.update(data.A1[h], d0, d0);
    });
    this.transposed = transpose(data.W, dL, S, this.transposed);
    this.readout?.update(this.transposed, S, dL);
  }

  canvases(): HTMLCanvasElement[] {
    const list = this.a1Maps.map(({ heatmap }) => heatmap.canvas);
    if (this.readout) list.push(this.readout.canvas);
    return list;
  }

  destroy(): void {
    this.clear();
    this.root.remove();
  }

  private clear(): void {
    for (const { item, heatmap } of this.a1Maps) {
      heatmap.destroy();
      item.remove();
    }
    this.a1Maps = [];
    this.readout?.destroy();
    this.readout = null;
  }

  /** The standard model: A_1 (d x d) and W^T (S x d) whole; their coordinates have no names. */
  private rebuildUnnamed(d: number, dL: number, heads: number): void {
    this.clear();
    const doc = this.root.ownerDocument;
    for (let h = 0; h < heads; h++) {
      const item = doc.createElement('div');
      item.className = 'blk-item';
      this.grid.append(item);
      const heatmap = new Heatmap(item, {
        title: `First-layer A · head ${h + 1} (standard model: one block, d = ${d})`,
        rowLabel: 'query side x_i',
        colLabel: 'key side x_j',
        scale: 'signed',
        legendLabel: 'parameter value',
        rowNames: (k) => `x[${k}]`,
        colNames: (k) => `x[${k}]`,
        ariaLabel: `First-layer attention matrix A of head ${h + 1} of the standard model: embeddings are added, so it has no token or position blocks. Arrow keys read the cells.`,
      });
      this.a1Maps.push({ item, heatmap });
    }
    this.readout = new Heatmap(this.readoutContainer, {
      title: 'Readout W, transposed: last position’s stream → logits',
      rowLabel: 'output',
      colLabel: 'stream feature',
      scale: 'signed',
      legendLabel: 'parameter value',
      rowNames: (r) => `tok ${r}`,
      colNames: (c) => `x[${c}]`,
      ticks: { cols: false },
      minCell: READOUT_MIN_CELL,
      // ...and opens at its right end, the last layer's part of the stream, where the readout is learned.
      openAt: 'end',
      ariaLabel: `Readout matrix W of the standard model, transposed: output tokens down, the ${dL} features of the summed residual stream across. Arrow keys read the cells.`,
    });
  }

  private rebuild(S: number, T: number, widths: number[], heads: number): void {
    this.clear();
    const doc = this.root.ownerDocument;
    const groups = embeddingGroups(S, T);
    const name = (k: number) => embeddingName(k, S);
    const kind = (k: number) => (k < S ? 'token' : 'position');
    for (let h = 0; h < heads; h++) {
      const item = doc.createElement('div');
      item.className = 'blk-item';
      this.grid.append(item);
      const heatmap = new Heatmap(item, {
        title: `First-layer A · head ${h + 1}`,
        rowLabel: 'query side x_i',
        colLabel: 'key side x_j',
        scale: 'signed',
        legendLabel: 'parameter value',
        rowNames: name,
        colNames: name,
        separators: { rows: [S], cols: [S] },
        rowGroups: groups,
        colGroups: groups,
        regions: a1Regions(S, T),
        describeCell: (r, c) => `block ${kind(r)}→${kind(c)}`,
        ariaLabel: `First-layer attention matrix A of head ${h + 1}, split into token and position blocks; rows are the query side, columns the key side. Arrow keys read the cells.`,
      });
      this.a1Maps.push({ item, heatmap });
    }
    const parts = streamParts(widths);
    const readoutName = (c: number) => featureName(c, S, widths);
    this.readout = new Heatmap(this.readoutContainer, {
      title: 'Readout W, transposed: last position’s stream → logits',
      rowLabel: 'output',
      colLabel: 'stream feature',
      scale: 'signed',
      legendLabel: 'parameter value',
      rowNames: (r) => `tok ${r}`,
      colNames: readoutName,
      separators: { cols: parts.slice(1).map((part) => part.start) },
      colGroups: parts,
      ticks: { cols: false },
      // S rows by d_L columns is long and flat: on a phone it scrolls rather than becoming a hairline.
      minCell: READOUT_MIN_CELL,
      // ...and opens at its right end, the last layer's part of the stream, where the readout is learned.
      openAt: 'end',
      ariaLabel: 'Readout matrix W, transposed: output tokens down, features of the residual stream across, grouped by the part of the stream they come from. Arrow keys read the cells.',
    });
  }
}
