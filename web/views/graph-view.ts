// The causal graph as arcs over a row of positions, each holding one sampled token; for the
// custom preset the visitor edits it by clicking a child, then the earlier node that becomes its
// parent (Shift-click adds a second one, or removes it).
//
// Positions 0..T-1 sit in a row; an arc runs above from each parent to its child and ends in
// an arrowhead on the child. Single-parent tasks mark position T-1 as the query; multi-parent
// tasks add node T, the predicted one. Draws what it is given and no more: an edit is
// shown at once and reported through onEdit, and the controller's next update() is the truth.
//
// This file holds the view itself: its DOM, its events, and when to redraw. Its parts:
// graph-editing.ts (spec strings and the editing state machine), graph-layout.ts (the row and
// its arcs) and graph-drawing.ts (the SVG pieces, the legend, labels and the data type).
import { editGraph, EDIT_HINT, finishEditing, type GraphEditState } from './graph-editing';
import { describeGraph, drawArcs, drawLegend, drawNodes, svgElement, SVG_NS, type GraphViewData } from './graph-drawing';
import { arcLayout, type GraphAlignment } from './graph-layout';
import { FONT_FAMILY } from './vocabulary';
import './charts.css';

// The graph view's parts, reachable from here as before.
export { EDIT_HINT, editedSpec, editGraph, finishEditing, parentsToSpec, specToParents } from './graph-editing';
export type { GraphEditResult, GraphEditState } from './graph-editing';
export { arcLayout, nodeKind } from './graph-layout';
export type { ArcLayout, GraphAlignment, GraphLayout, NodeKind, NodeLayout } from './graph-layout';
export { legendLayout, tokenLabel } from './graph-drawing';
export type { GraphViewData } from './graph-drawing';
export { parentSlotColor } from './vocabulary';

// --- the view --------------------------------------------------------------------------------

let instanceCount = 0;

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
    const arcs = drawArcs(layout, graph, slotCount, selected, defs, this.id);
    const nodes = drawNodes(layout, data, selected);
    // The legend starts where the row starts (the row is centred when it has room to spare).
    const legendLeft = Math.max(4, Math.floor((layout.nodes[0]?.x ?? 0) - layout.radius));
    const legend = drawLegend(data, slotCount, legendLeft, layout.height + 4, Math.min(layout.width, this.width) - legendLeft - 4);
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
}
