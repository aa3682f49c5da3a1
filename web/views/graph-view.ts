// The causal graph as arcs over a row of positions, each holding one sampled token; for the
// custom preset the visitor edits it by clicking a child, then the earlier node that becomes its
// parent (Shift-click adds a second one, or removes it).
//
// Positions 0..T-1 sit in a row; an arc runs above from each parent to its child and ends in
// an arrowhead on the child. Single-parent tasks mark position T-1 as the query; multi-parent
// tasks add node T, the predicted one. Draws what it is given and no more: an edit is
// shown at once and reported through onEdit, and the controller's next update() is the truth.
import { FONT_FAMILY, parentSlotColor, parentSlotNames, slotArrowLabel, tokenSymbol } from './vocabulary';
import './charts.css';

export interface GraphViewData {
  /** parents: T entries (single-parent: the last is the query) or T + 1 (multi-parent: entry T is the predicted node). */
  graph: { T: number; multi_parent: boolean; parents: number[][]; name: string };
  /** One sample sequence (T tokens). */
  tokens?: ArrayLike<number>;
  S: number;
  editable: boolean;
  /** An edit the engine has not accepted (yet): drawn dashed, never as the graph that trains. */
  draft?: boolean;
}

// --- spec strings ----------------------------------------------------------------------------

/** The engine's custom-graph spec: ';' between positions, ',' between parents, '-' for none ("-;0;0;1,2"). */
export function parentsToSpec(parents: number[][]): string {
  return parents.map((list) => (list.length === 0 ? '-' : list.join(','))).join(';');
}

/**
 * The spec the engine takes for edited parents of a T-token graph. While every position has at
 * most one parent it is the single-parent form: T entries, the last (the query) '-'. Once a
 * position has two it is the multi-parent form the engine's two-parent graphs use: T+1 entries,
 * the last for the predicted token, whose parent is the query (as in the single-parent form).
 * A multi-parent spec that no longer needs that form goes back to the single-parent one.
 */
export function editedSpec(parents: number[][], T: number): string {
  const rows = parents.slice(0, T);
  while (rows.length < T) rows.push([]);
  const target = parents.length > T ? parents[T] : [T - 1];
  const single = rows.every((list) => list.length <= 1) && rows[T - 1].length === 0 && target.length === 1 && target[0] === T - 1;
  return parentsToSpec(single ? rows : [...rows, target]);
}

/**
 * Parses a spec (spaces ignored). Returns null when it is not one: an empty entry, a trailing
 * ';' or ',', something other than a position number, or a parent listed twice. Parents come
 * back ascending. Whether they are earlier positions, and the entry count, the engine checks.
 */
export function specToParents(spec: string): number[][] | null {
  const text = spec.replace(/\s+/g, '');
  if (text === '') return null;
  const parents: number[][] = [];
  for (const entry of text.split(';')) {
    if (entry === '-') {
      parents.push([]);
      continue;
    }
    const items = entry.split(',');
    if (!items.every((item) => /^\d{1,3}$/.test(item))) return null;
    const list = items.map(Number).sort((a, b) => a - b);
    if (list.some((p, k) => k > 0 && p === list[k - 1])) return null;
    parents.push(list);
  }
  return parents;
}

// --- editing: a small state machine ----------------------------------------------------------

export interface GraphEditState {
  /** The child whose parents are being edited, or null. */
  selected: number | null;
}

export interface GraphEditResult {
  state: GraphEditState;
  /** The parents after the click (the same array when nothing changed). */
  parents: number[][];
  changed: boolean;
}

/**
 * One click on position `clicked` (`add`: the Shift key was held):
 *  - nothing selected, or a later position than the selected child: select it;
 *  - the selected child itself: finish (deselect);
 *  - an earlier position, plain click: it becomes the child's one parent (the parent moves);
 *  - an earlier position, Shift-click: add it as another parent, or remove it if it is one.
 * A node never becomes its own parent, and parents are always earlier positions (ascending).
 */
export function editGraph(state: GraphEditState, parents: number[][], clicked: number, add = false): GraphEditResult {
  const unchanged = (next: GraphEditState): GraphEditResult => ({ state: next, parents, changed: false });
  if (!Number.isInteger(clicked) || clicked < 0 || clicked >= parents.length) return unchanged(state);
  const child = state.selected;
  if (child === null || child >= parents.length || clicked > child) return unchanged({ selected: clicked });
  if (clicked === child) return unchanged({ selected: null });
  const current = parents[child];
  let next: number[];
  if (add) {
    next = current.includes(clicked) ? current.filter((p) => p !== clicked) : [...current, clicked].sort((a, b) => a - b);
  } else {
    if (current.length === 1 && current[0] === clicked) return unchanged(state);
    next = [clicked];
  }
  const updated = parents.map((list, i) => (i === child ? next : list.slice()));
  return { state, parents: updated, changed: true };
}

/** Escape: stop editing the selected child. */
export function finishEditing(): GraphEditState {
  return { selected: null };
}

// --- layout: pure geometry -------------------------------------------------------------------

export type NodeKind = 'input' | 'query' | 'predicted';

export interface NodeLayout {
  index: number;
  x: number;
  kind: NodeKind;
}

export interface ArcLayout {
  parent: number;
  child: number;
  /** Position of this parent among the child's parents, ascending: 0 is the farthest. */
  slot: number;
  /** SVG path: an elliptical arc above the row, from the parent to the child. */
  d: string;
  /** Highest point of the arc (smallest y). */
  apexY: number;
}

export interface GraphLayout {
  width: number;
  height: number;
  /** y of the row's centre line. */
  nodeY: number;
  radius: number;
  spacing: number;
  nodes: NodeLayout[];
  arcs: ArcLayout[];
}

const MIN_SPACING = 24;
const MAX_SPACING = 56;
const MAX_ARC_HEIGHT = 130;
/** Lower arcs when the row is aligned with a view under it (the stage keeps to one screen). */
const ALIGNED_ARC_HEIGHT = 70;

/** Where position 0's column starts and how wide each column is, in the view's own x. */
export interface GraphAlignment {
  left: number;
  spacing: number;
}
const TOP_PADDING = 6;
/** Room under the row for the position index and the 'query'/'predicted' tag. */
const LABEL_HEIGHT = 34;

/** How a position is drawn: the query (single-parent), the predicted node (multi-parent) or an input. */
export function nodeKind(index: number, graph: { T: number; multi_parent: boolean; parents: number[][] }): NodeKind {
  if (graph.parents.length > graph.T || graph.multi_parent) return index >= graph.T ? 'predicted' : 'input';
  return index === graph.T - 1 ? 'query' : 'input';
}

/**
 * Places the positions in a row that fills `availableWidth` (spacing between MIN_SPACING and
 * MAX_SPACING; wider than the box when T is large, for the box to scroll) and routes one arc
 * per edge above it. Outgoing arcs leave from the right half of a node's top, incoming ones land
 * on the left half (spread by slot), so the direction reads even without the arrowheads.
 */
export function arcLayout(
  graph: { T: number; multi_parent: boolean; parents: number[][] },
  availableWidth: number,
  align?: GraphAlignment | null,
): GraphLayout {
  const n = graph.parents.length;
  const predictedGap = nodeKind(n - 1, graph) === 'predicted' ? 0.5 : 0;
  const slotsInRow = Math.max(1, n - 1 + predictedGap);
  const sidePadding = 28;
  let spacing = Math.min(MAX_SPACING, Math.max(MIN_SPACING, (availableWidth - 2 * sidePadding) / slotsInRow));
  let rowWidth = spacing * slotsInRow;
  let width = Math.max(Math.floor(availableWidth), Math.ceil(rowWidth + 2 * sidePadding));
  let left = (width - rowWidth) / 2;
  let radius = Math.min(14, Math.max(8, spacing * 0.36));
  if (align && align.spacing > 0) {
    // Position i over column i of another view (the heat map below).
    spacing = align.spacing;
    rowWidth = spacing * slotsInRow;
    left = align.left + spacing / 2;
    radius = Math.min(14, Math.max(5, spacing * 0.46));
    width = Math.max(Math.floor(availableWidth), Math.ceil(left + rowWidth + radius + 8));
  }
  const arcCap = align ? ALIGNED_ARC_HEIGHT : MAX_ARC_HEIGHT;

  const nodes: NodeLayout[] = [];
  for (let i = 0; i < n; i++) {
    const kind = nodeKind(i, graph);
    nodes.push({ index: i, x: left + spacing * (i + (kind === 'predicted' ? predictedGap : 0)), kind });
  }

  // Arc heights first (they set the row's y), then the paths.
  interface Edge { parent: number; child: number; slot: number; x0: number; x1: number; dx0: number; dx1: number; height: number }
  const edges: Edge[] = [];
  for (let child = 0; child < n; child++) {
    const list = graph.parents[child];
    list.forEach((parent, slot) => {
      if (!Number.isInteger(parent) || parent < 0 || parent >= child) return; // the engine refuses such graphs
      const landing = list.length === 1 ? 0.38 : 0.62 - (0.5 * slot) / (list.length - 1);
      const dx0 = radius * 0.38;
      const dx1 = -radius * landing;
      const x0 = nodes[parent].x + dx0;
      const x1 = nodes[child].x + dx1;
      const chord = x1 - x0;
      // Height grows with the square root of the span: neighbours stay low, long arcs stay
      // distinguishable instead of merging into one flat band at the cap.
      const height = Math.min(arcCap, Math.max(10, 3.4 * Math.sqrt(Math.max(0, chord)) - 2));
      edges.push({ parent, child, slot, x0, x1, dx0, dx1, height });
    });
  }
  const tallest = edges.reduce((h, e) => Math.max(h, e.height), 0);
  const nodeY = TOP_PADDING + tallest + radius + (edges.length ? 4 : 0);
  const arcs: ArcLayout[] = edges
    .sort((a, b) => b.x1 - b.x0 - (a.x1 - a.x0)) // long arcs underneath
    .map((e) => {
      const y0 = nodeY - Math.sqrt(radius * radius - e.dx0 * e.dx0);
      const y1 = nodeY - Math.sqrt(radius * radius - e.dx1 * e.dx1) - 1.5;
      const rx = (e.x1 - e.x0) / 2;
      // Both ends at (nearly) the same height: the arc through the top of the ellipse.
      const d = `M${fmt(e.x0)},${fmt(y0)} A${fmt(rx)},${fmt(e.height)} 0 0 1 ${fmt(e.x1)},${fmt(y1)}`;
      return { parent: e.parent, child: e.child, slot: e.slot, d, apexY: Math.min(y0, y1) - e.height };
    });
  return { width, height: Math.ceil(nodeY + radius + LABEL_HEIGHT), nodeY, radius, spacing, nodes, arcs };
}

function fmt(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

// --- colours and labels ----------------------------------------------------------------------

export { parentSlotColor } from './vocabulary';

/** A token as the row shows it (vocabulary.ts's tokenSymbol), or nothing when there is no token. */
export function tokenLabel(token: number, S: number): string {
  if (!Number.isFinite(token) || token < 0) return '';
  return tokenSymbol(token, S);
}

/** Where each legend entry goes: rows that wrap within `maxWidth` (text widths estimated). */
export function legendLayout(
  entries: { label: string; swatch: boolean }[],
  maxWidth: number,
): { x: number; row: number }[] {
  const placed: { x: number; row: number }[] = [];
  let x = 0;
  let row = 0;
  for (const entry of entries) {
    const width = (entry.swatch ? LEGEND_SWATCH : 0) + entry.label.length * LEGEND_CHAR;
    if (x > 0 && x + width > maxWidth) {
      x = 0;
      row++;
    }
    placed.push({ x, row });
    x += width + LEGEND_GAP;
  }
  return placed;
}
const LEGEND_SWATCH = 26;
const LEGEND_CHAR = 6.2; // average advance of an 11px system-font character
const LEGEND_GAP = 16;
const LEGEND_ROW = 17;

export const EDIT_HINT =
  'Click a position to edit it, then click a node to make it the parent; Shift-click to add a second (or remove one).';

// --- the view --------------------------------------------------------------------------------

const SVG_NS = 'http://www.w3.org/2000/svg';
let instanceCount = 0;

function svgElement<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) e.setAttribute(name, String(value));
  return e;
}

// Presentation attributes, so that the SVG looks the same when exported without the page's
// stylesheet; charts.css only adds the interactive states on top.
const NODE_STYLE: Record<NodeKind, Record<string, string | number>> = {
  input: { fill: '#ffffff', stroke: '#4a4a4a', 'stroke-width': 1.3 },
  query: { fill: '#fff6dc', stroke: '#222222', 'stroke-width': 2 },
  predicted: { fill: '#f4f4f4', stroke: '#222222', 'stroke-width': 1.6, 'stroke-dasharray': '3 2' },
};
const TEXT_STYLE = { 'font-family': FONT_FAMILY, 'text-anchor': 'middle' };

export class GraphView {
  readonly svg: SVGSVGElement;
  private readonly root: HTMLElement;
  private readonly scrollBox: HTMLElement;
  private readonly hint: HTMLElement;
  private readonly status: HTMLElement;
  private readonly scrollNote: HTMLElement;
  private readonly resizeObserver: ResizeObserver;
  private readonly onEdit?: (parents: number[][]) => void;
  private readonly id = `gv${++instanceCount}`;

  private data: GraphViewData | null = null;
  private editState: GraphEditState = { selected: null };
  private width = 0;
  private renderedKey = '';
  private alignment: GraphAlignment | null = null;
  private highlighted: { nodes: number[]; edge: [number, number] | null } = { nodes: [], edge: null };
  /** Pointer or focus over a position (null when it leaves). */
  onHoverPosition: ((index: number | null) => void) | null = null;

  constructor(container: HTMLElement, options: { onEdit?: (parents: number[][]) => void } = {}) {
    this.onEdit = options.onEdit;
    this.root = document.createElement('div');
    this.root.className = 'gv-root';
    this.scrollBox = document.createElement('div');
    this.scrollBox.className = 'gv-scroll';
    this.svg = svgElement('svg', { class: 'gv-svg', xmlns: SVG_NS, 'font-family': FONT_FAMILY });
    this.scrollBox.append(this.svg);
    this.hint = document.createElement('p');
    this.hint.className = 'gv-hint';
    this.hint.textContent = EDIT_HINT;
    this.hint.hidden = true;
    this.scrollNote = document.createElement('p');
    this.scrollNote.className = 'gv-scroll-note';
    this.scrollNote.hidden = true;
    this.status = document.createElement('p');
    this.status.className = 'gv-status';
    this.status.setAttribute('aria-live', 'polite');
    this.root.append(this.scrollBox, this.scrollNote, this.hint, this.status);
    container.append(this.root);

    this.svg.addEventListener('click', (event) => {
      const index = this.nodeIndexOf(event.target);
      if (index !== null) this.activate(index, event.shiftKey);
    });
    this.svg.addEventListener('keydown', (event) => {
      if (!this.data?.editable) return;
      if (event.key === 'Escape') {
        if (this.editState.selected === null) return;
        this.editState = finishEditing();
        this.render(true);
        event.preventDefault();
        return;
      }
      if (event.key !== 'Enter' && event.key !== ' ') return;
      const index = this.nodeIndexOf(event.target);
      if (index === null) return;
      event.preventDefault();
      this.activate(index, event.shiftKey);
    });

    const hover = (event: Event) => this.onHoverPosition?.(this.nodeIndexOf(event.target));
    this.svg.addEventListener('pointerover', hover);
    this.svg.addEventListener('focusin', hover);
    this.svg.addEventListener('pointerleave', () => this.onHoverPosition?.(null));
    this.svg.addEventListener('focusout', () => this.onHoverPosition?.(null));

    this.resizeObserver = new ResizeObserver(() => {
      const width = Math.floor(this.scrollBox.clientWidth);
      if (width > 0 && width !== this.width) {
        this.width = width;
        this.render(false);
      }
    });
    this.resizeObserver.observe(this.scrollBox);
  }

  /** The scroll box's left edge in the page (to align the row with another view). */
  get originX(): number {
    return this.scrollBox.getBoundingClientRect().left - this.scrollBox.scrollLeft;
  }

  /** Puts position i over column i of another view; null lays the row out on its own. */
  align(alignment: GraphAlignment | null): void {
    const same = alignment === this.alignment || (!!alignment && !!this.alignment &&
      Math.abs(alignment.left - this.alignment.left) < 0.5 && Math.abs(alignment.spacing - this.alignment.spacing) < 0.01);
    if (same) return;
    this.alignment = alignment;
    this.render(true);
  }

  /** Marks positions (e.g. i and j of a heat-map cell) and the arc j -> i. */
  highlight(nodes: number[], edge: [number, number] | null = null): void {
    this.highlighted = { nodes, edge };
    this.applyHighlight();
  }

  private applyHighlight(): void {
    const { nodes, edge } = this.highlighted;
    for (const node of this.svg.querySelectorAll<SVGGElement>('.gv-node')) {
      node.classList.toggle('gv-hl', nodes.includes(Number(node.getAttribute('data-index'))));
    }
    for (const arc of this.svg.querySelectorAll<SVGPathElement>('.gv-arc')) {
      const on = !!edge && Number(arc.getAttribute('data-child')) === edge[0] && Number(arc.getAttribute('data-parent')) === edge[1];
      arc.classList.toggle('gv-arc-hl', on);
    }
    this.svg.classList.toggle('gv-highlighting', nodes.length > 0 || !!edge);
  }

  update(data: GraphViewData): void {
    this.data = data;
    const n = data.graph.parents.length;
    if (!data.editable || (this.editState.selected !== null && this.editState.selected >= n)) this.editState = finishEditing();
    this.render(false);
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.root.remove();
    this.data = null;
  }

  // --- editing ---------------------------------------------------------------------------------

  private nodeIndexOf(target: EventTarget | null): number | null {
    if (!(target instanceof Element)) return null;
    const node = target.closest('[data-index]');
    if (!node || !this.svg.contains(node)) return null;
    const index = Number(node.getAttribute('data-index'));
    return Number.isInteger(index) ? index : null;
  }

  private activate(index: number, add: boolean): void {
    const data = this.data;
    if (!data?.editable) return;
    const result = editGraph(this.editState, data.graph.parents, index, add);
    this.editState = result.state;
    if (result.changed) this.data = { ...data, graph: { ...data.graph, parents: result.parents } };
    this.render(true);
    if (result.changed) this.onEdit?.(result.parents);
  }

  // --- drawing ---------------------------------------------------------------------------------

  /** Rebuilds the SVG unless nothing it shows has changed; keeps keyboard focus on the same node. */
  private render(force: boolean): void {
    const data = this.data;
    if (!data) return;
    if (this.width === 0) this.width = Math.floor(this.scrollBox.clientWidth) || 640;
    const key = JSON.stringify([
      data.graph.parents, data.graph.T, data.graph.multi_parent, data.graph.name, data.S, data.editable, !!data.draft,
      data.tokens ? Array.from(data.tokens) : null, this.editState.selected, this.width, this.alignment,
    ]);
    if (!force && key === this.renderedKey) return;
    this.renderedKey = key;

    const focused = this.svg.contains(document.activeElement) ? this.nodeIndexOf(document.activeElement) : null;
    const { graph, editable } = data;
    const layout = arcLayout(graph, this.width, this.alignment);
    const maxInDegree = graph.parents.reduce((k, list) => Math.max(k, list.length), 0);
    const slotCount = graph.multi_parent || maxInDegree > 1 ? Math.max(2, maxInDegree) : 1;
    const selected = this.editState.selected;

    const defs = svgElement('defs', {});
    const arcs = this.drawArcs(layout, graph, slotCount, selected, defs);
    const nodes = this.drawNodes(layout, data, selected);
    // The legend starts where the row starts (the row is centred when it has room to spare).
    const legendLeft = Math.max(4, Math.floor((layout.nodes[0]?.x ?? 0) - layout.radius));
    const legend = this.drawLegend(data, slotCount, legendLeft, layout.height + 4, Math.min(layout.width, this.width) - legendLeft - 4);
    const height = layout.height + 4 + legend.height;

    const svg = this.svg;
    svg.setAttribute('width', String(layout.width));
    svg.setAttribute('height', String(height));
    svg.setAttribute('viewBox', `0 0 ${layout.width} ${height}`);
    svg.classList.toggle('gv-editable', editable);
    svg.classList.toggle('gv-draft', !!data.draft);
    svg.classList.toggle('gv-selecting', selected !== null);
    if (editable) {
      svg.setAttribute('role', 'group');
      svg.setAttribute('aria-label', `${data.draft ? 'Draft, not training: e' : 'E'}ditable causal graph over ${graph.T} positions. ${EDIT_HINT}`);
    } else {
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-label', describeGraph(graph));
    }
    svg.replaceChildren(defs, arcs, nodes, legend.group);
    this.applyHighlight();

    if (focused !== null) svg.querySelector<SVGGElement>(`[data-index="${focused}"]`)?.focus();
    this.hint.hidden = !editable;
    this.scrollNote.hidden = layout.width <= this.width + 1;
    this.scrollNote.textContent = `Scroll sideways to see all ${layout.nodes.length} positions.`;
    this.status.textContent = editable && selected !== null
      ? `Editing position ${selected}: click an earlier node to make it the parent, Shift-click (Shift+Enter) to add or remove one; Escape finishes.`
      : '';
  }

  private drawArcs(layout: GraphLayout, graph: GraphViewData['graph'], slotCount: number, selected: number | null, defs: SVGDefsElement): SVGGElement {
    // One arrowhead marker per colour (SVG 1.1 markers cannot take the path's colour).
    const markerIds = new Map<string, string>();
    const markerFor = (color: string) => {
      let id = markerIds.get(color);
      if (!id) {
        id = `${this.id}-arrow-${markerIds.size}`;
        markerIds.set(color, id);
        const marker = svgElement('marker', {
          id, viewBox: '0 0 10 10', refX: 8.5, refY: 5, markerWidth: 7, markerHeight: 7, markerUnits: 'userSpaceOnUse', orient: 'auto',
        });
        marker.append(svgElement('path', { d: 'M0,0.5 L10,5 L0,9.5 z', fill: color }));
        defs.append(marker);
      }
      return id;
    };
    const group = svgElement('g', { class: 'gv-arcs', 'aria-hidden': 'true' });
    for (const arc of layout.arcs) {
      // A lone parent in a single-parent graph keeps the single-parent colour, even while an
      // edit in progress gives another position two parents.
      const lone = !graph.multi_parent && graph.parents[arc.child].length === 1;
      const color = parentSlotColor(arc.slot, lone ? 1 : slotCount);
      const active = selected === null ? null : arc.child === selected;
      const path = svgElement('path', {
        d: arc.d, class: 'gv-arc', 'data-parent': arc.parent, 'data-child': arc.child, fill: 'none', stroke: color, 'stroke-linecap': 'round',
        'stroke-width': active ? 2.4 : 1.6, opacity: active === false ? 0.22 : 0.9,
        'marker-end': `url(#${markerFor(color)})`,
      });
      group.append(path);
    }
    return group;
  }

  private drawNodes(layout: GraphLayout, data: GraphViewData, selected: number | null): SVGGElement {
    const { graph, S, editable } = data;
    const r = layout.radius;
    const selectedParents = selected !== null ? graph.parents[selected] ?? [] : [];
    const group = svgElement('g', { class: 'gv-nodes' });
    for (const node of layout.nodes) {
      const i = node.index;
      const g = svgElement('g', { class: `gv-node gv-${node.kind}`, 'data-index': i, transform: `translate(${fmt(node.x)},${fmt(layout.nodeY)})` });
      if (i === selected) g.classList.add('gv-selected');
      else if (selectedParents.includes(i)) g.classList.add('gv-parent-of-selected');
      else if (selected !== null && i < selected) g.classList.add('gv-candidate');
      g.append(svgElement('circle', { r, class: 'gv-node-shape', ...NODE_STYLE[node.kind] }));

      const token = data.tokens && i < data.tokens.length ? tokenLabel(data.tokens[i], S) : '';
      const inside = node.kind === 'predicted' ? '?' : token;
      if (inside) {
        const text = svgElement('text', {
          class: 'gv-token', ...TEXT_STYLE, y: fmt(r * 0.36), 'font-weight': 600, fill: '#222222',
          'font-size': fmt(inside.length > 1 ? r * 0.85 : r * 1.05),
        });
        text.textContent = inside;
        g.append(text);
      }
      const indexLabel = svgElement('text', { class: 'gv-index', ...TEXT_STYLE, y: fmt(r + 12), 'font-size': 10, fill: '#777777' });
      indexLabel.textContent = String(i);
      g.append(indexLabel);
      if (node.kind !== 'input') {
        const kindLabel = svgElement('text', { class: 'gv-kind', ...TEXT_STYLE, y: fmt(r + 25), 'font-size': 10, 'font-style': 'italic', fill: '#333333' });
        kindLabel.textContent = node.kind;
        g.append(kindLabel);
      }

      const parentText = graph.parents[i].length ? `parents ${graph.parents[i].join(', ')}` : 'no parents';
      const tokenText = token ? `, token ${token}` : '';
      const kindText = node.kind === 'input' ? '' : ` (${node.kind})`;
      if (editable) {
        g.setAttribute('tabindex', '0');
        g.setAttribute('role', 'button');
        const action = selected === null || i > selected
          ? 'select to edit its parents'
          : i === selected
            ? 'selected; press to finish'
            : selectedParents.includes(i)
              ? `a parent of ${selected}; Shift+Enter removes it`
              : `press to make it the parent of ${selected}; Shift+Enter adds it as another parent`;
        g.setAttribute('aria-label', `Position ${i}${kindText}${tokenText}, ${parentText}: ${action}`);
        g.setAttribute('aria-pressed', String(i === selected));
      } else {
        const title = svgElement('title', {});
        title.textContent = `Position ${i}${kindText}${tokenText}, ${parentText}`;
        g.append(title);
      }
      group.append(g);
    }
    return group;
  }

  /** The legend lives in the SVG, so an exported picture explains its own colours. */
  private drawLegend(data: GraphViewData, slotCount: number, left: number, top: number, maxWidth: number): { group: SVGGElement; height: number } {
    const entries: { label: string; color?: string }[] = [];
    const names = parentSlotNames(data.graph, slotCount);
    for (let slot = 0; slot < slotCount; slot++) {
      entries.push({ label: slotArrowLabel(names, slot), color: parentSlotColor(slot, slotCount) });
    }
    if (data.tokens) {
      entries.push({
        label: data.S <= 26
          ? `letters: one sampled sequence (S = ${data.S})`
          : `numbers: one sampled sequence (tokens 0–${data.S - 1})`,
      });
    }
    const places = legendLayout(entries.map((e) => ({ label: e.label, swatch: e.color !== undefined })), maxWidth);
    const group = svgElement('g', { class: 'gv-legend', transform: `translate(${left},${top})`, 'font-size': 11, 'font-family': FONT_FAMILY });
    entries.forEach((entry, k) => {
      const { x, row } = places[k];
      const y = row * LEGEND_ROW + 11;
      let textX = x;
      if (entry.color) {
        group.append(svgElement('line', { x1: x, y1: y - 4, x2: x + 14, y2: y - 4, stroke: entry.color, 'stroke-width': 2 }));
        group.append(svgElement('path', { d: `M${x + 13},${y - 8} L${x + 20},${y - 4} L${x + 13},${y} z`, fill: entry.color }));
        textX = x + LEGEND_SWATCH;
      }
      const text = svgElement('text', { x: textX, y, fill: entry.color ? '#444444' : '#777777' });
      text.textContent = entry.label;
      group.append(text);
    });
    const rows = places.length ? places[places.length - 1].row + 1 : 0;
    return { group, height: rows * LEGEND_ROW + 4 };
  }
}

/** A sentence for screen readers: the graph's name and its edges. */
function describeGraph(graph: { T: number; multi_parent: boolean; parents: number[][]; name: string }): string {
  const edges = graph.parents
    .map((list, child) => (list.length ? `${child} ← ${list.join(', ')}` : ''))
    .filter(Boolean)
    .join('; ');
  const kind = graph.multi_parent ? `multi-parent; node ${graph.T} is predicted` : `single-parent; position ${graph.T - 1} is the query`;
  return `The causal graph "${graph.name}" over ${graph.T} positions (${kind}). Parents: ${edges || 'none'}.`;
}
