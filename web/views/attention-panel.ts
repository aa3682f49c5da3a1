// One heat map per first-layer head: the (T, T) attention, query position i down, key position j
// across, the causal upper triangle (j > i) left blank, and the true parents outlined, so
// "attention matches the graph" is visible at a glance. Under each map, the head's
// parent-recovery score.

import { Heatmap } from './heatmap';
import { formatRecovery, slotNames } from './vocabulary';
import './views.css';

export { slotNames } from './vocabulary';

export interface AttentionPanelData {
  T: number;
  /** per first-layer head, (T, T) row-major attention */
  heads: Float64Array[];
  /** parents[i] for positions 0..T-1 (may contain T+1 entries: entry T is ignored) */
  parents: number[][];
  /** 'data': the standard model's only view, the batch-averaged one under its own name. */
  view: 'parameter' | 'batch' | 'data';
  /** per head, per parent slot */
  recovery?: number[][];
  /** The slot names (vocabulary.ts's parentSlotNames); from the parents alone when absent. */
  slotNames?: string[];
}

// --- DOM-free helpers --------------------------------------------------------------------------

export function attentionTitle(head: number, view: AttentionPanelData['view']): string {
  if (view === 'data') return `Layer 1 · head ${head + 1} (data view: attention averaged over the test set; no position block)`;
  return `Layer 1 · head ${head + 1} (${view === 'parameter' ? 'parameter view' : 'batch-averaged view'})`;
}

/** The (i, j) cells of the true edges j -> i among positions 0..T-1. */
export function parentCells(parents: ReadonlyArray<ReadonlyArray<number>>, T: number): [number, number][] {
  const cells: [number, number][] = [];
  for (let i = 0; i < Math.min(T, parents.length); i++) {
    for (const j of parents[i] ?? []) if (Number.isInteger(j) && j >= 0 && j <= i && j < T) cells.push([i, j]);
  }
  return cells;
}

/** 'on parents: 0.97' for one slot; 'slot i−2: 0.05 · slot i−1: 0.91' for several. */
export function recoveryCaption(recovery: ReadonlyArray<number> | undefined, names: ReadonlyArray<string>): string {
  if (!recovery || recovery.length === 0) return '';
  if (recovery.length === 1) return `on parents: ${formatRecovery(recovery[0])}`;
  return recovery.map((value, s) => `slot ${names[s] ?? s + 1}: ${formatRecovery(value)}`).join(' · ');
}

// --- The view ----------------------------------------------------------------------------------

interface HeadView {
  item: HTMLElement;
  heatmap: Heatmap;
  caption: HTMLElement;
}

export class AttentionPanel {
  private readonly root: HTMLElement;
  private readonly heads: HeadView[] = [];
  private readonly container: HTMLElement;
  private T = -1;
  private view: AttentionPanelData['view'] | null = null;
  private parentsKey = '';
  private lastParents: AttentionPanelData['parents'] | null = null;
  private lastSlots = 0;
  private edges = new Set<number>();
  private outline: [number, number][] = [];
  private names: string[] = [];
  private readonly masked = (i: number, j: number) => j > i;
  private readonly describeCell = (i: number, j: number) =>
    this.edges.has(i * this.T + j) ? `true edge: ${i} ← ${j}` : 'not an edge';

  constructor(container: HTMLElement) {
    this.root = container.ownerDocument.createElement('div');
    this.root.className = 'hm-panel';
    container.append(this.root);
    this.container = container;
  }

  update(data: AttentionPanelData): void {
    const T = data.T;
    if (T !== this.T || data.heads.length !== this.heads.length) {
      // A new shape: new maps (their layout depends on T).
      while (this.heads.length > 0) this.removeHead();
      this.T = T;
      this.view = null;
      this.parentsKey = '';
      for (let h = 0; h < data.heads.length; h++) this.addHead(h, data.view);
      // Small multiples: the page lays the maps side by side, one column per head.
      this.container.style.setProperty('--hm-heads', String(data.heads.length));
      this.root.dataset.heads = String(data.heads.length);
    }
    if (data.view !== this.view) {
      this.view = data.view;
      this.heads.forEach((head, h) => head.heatmap.setSpec({ title: attentionTitle(h, data.view) }));
    }
    const slots = Math.max(1, ...(data.recovery ?? []).map((r) => r.length));
    // The graph rarely changes: compare by reference first, by value only when that differs.
    const sameGraph = data.parents === this.lastParents && slots === this.lastSlots && this.parentsKey !== '';
    this.lastParents = data.parents;
    this.lastSlots = slots;
    const parentsKey = sameGraph ? this.parentsKey : `${slots}:${JSON.stringify(data.parents)}`;
    if (parentsKey !== this.parentsKey) {
      this.parentsKey = parentsKey;
      this.outline = parentCells(data.parents, T);
      this.edges = new Set(this.outline.map(([i, j]) => i * T + j));
      this.names = slotNames(data.parents.slice(0, T), slots);
    }
    const names = data.slotNames ?? this.names;
    this.heads.forEach((head, h) => {
      head.heatmap.update(data.heads[h], T, T, { masked: this.masked, outline: this.outline });
      const caption = recoveryCaption(data.recovery?.[h], names);
      if (head.caption.textContent !== caption) head.caption.textContent = caption;
    });
  }

  /** A cell under the pointer or the keyboard focus of any head (null when it leaves). */
  onActiveCell: ((cell: { row: number; col: number } | null) => void) | null = null;

  /** Where head 1's columns start (page x) and how wide they are, for views aligned above it. */
  columns(): { left: number; cell: number } | null {
    const head = this.heads[0];
    const geometry = head?.heatmap.plotGeometry();
    if (!head || !geometry) return null;
    return { left: head.heatmap.canvas.getBoundingClientRect().left + geometry.plotX, cell: geometry.cell };
  }

  /** Marks row `row` (a query position) on every head's map; null clears it. */
  highlightRow(row: number | null): void {
    for (const head of this.heads) head.heatmap.highlightRow(row);
  }

  canvases(): HTMLCanvasElement[] {
    return this.heads.map((head) => head.heatmap.canvas);
  }

  destroy(): void {
    while (this.heads.length > 0) this.removeHead();
    this.root.remove();
  }

  private addHead(h: number, view: AttentionPanelData['view']): void {
    const doc = this.root.ownerDocument;
    const item = doc.createElement('div');
    item.className = 'hm-panel-item';
    const mapContainer = doc.createElement('div');
    const caption = doc.createElement('p');
    caption.className = 'hm-caption';
    item.append(mapContainer, caption);
    this.root.append(item);
    const heatmap = new Heatmap(mapContainer, {
      title: attentionTitle(h, view),
      rowLabel: 'query position i',
      colLabel: 'key position j',
      scale: 'weight',
      legendLabel: 'attention weight',
      // Small multiples: one colour legend, under head 1, for all heads.
      legend: h === 0,
      describeCell: this.describeCell,
      ariaLabel: `Layer 1 · head ${h + 1}: attention, query position i down, key position j across, true parents outlined. Arrow keys read the cells.`,
      onActiveCell: (cell) => this.onActiveCell?.(cell),
    });
    this.heads.push({ item, heatmap, caption });
  }

  private removeHead(): void {
    const head = this.heads.pop();
    if (!head) return;
    head.heatmap.destroy();
    head.item.remove();
  }
}
