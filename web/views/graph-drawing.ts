// The graph view's SVG: what it is given to draw (GraphViewData), and the pieces it builds from
// a layout (graph-layout.ts): the arcs with their arrowheads, the nodes with their tokens,
// indices and accessible names, the colour legend, and a sentence for screen readers. Every
// piece carries presentation attributes, so an exported SVG looks like the page.
import { fmt, type GraphLayout, type NodeKind } from './graph-layout';
import { FONT_FAMILY, parentSlotColor, parentSlotNames, slotArrowLabel, tokenSymbol } from './vocabulary';

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

// --- colours and labels ----------------------------------------------------------------------

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

// --- SVG pieces ------------------------------------------------------------------------------

export const SVG_NS = 'http://www.w3.org/2000/svg';

export function svgElement<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
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

/**
 * One path per arc, coloured by its parent slot; while a child is selected its arcs are bolder
 * and the others faint. Adds an arrowhead marker per colour to `defs`, with ids from `markerPrefix`
 * (unique to the view on the page).
 */
export function drawArcs(
  layout: GraphLayout,
  graph: GraphViewData['graph'],
  slotCount: number,
  selected: number | null,
  defs: SVGDefsElement,
  markerPrefix: string,
): SVGGElement {
  // One arrowhead marker per colour (SVG 1.1 markers cannot take the path's colour).
  const markerIds = new Map<string, string>();
  const markerFor = (color: string) => {
    let id = markerIds.get(color);
    if (!id) {
      id = `${markerPrefix}-arrow-${markerIds.size}`;
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

/** Row spacing (px) from which every position's index is printed. */
const INDEX_SPACING = 18;

/** One group per position: its circle, token, index and kind, marked for the edit in progress; a button when editable. */
export function drawNodes(layout: GraphLayout, data: GraphViewData, selected: number | null): SVGGElement {
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
    // Indices of two digits need about 18 px: on a tighter row (the stage's, aligned with the heat
    // map's columns) the even ones, as the heat map's axis does, and the last (its neighbour left out).
    const last = layout.nodes.length - 1;
    if (layout.spacing >= INDEX_SPACING || i === last || (i % 2 === 0 && i < last - 1)) {
      const indexLabel = svgElement('text', { class: 'gv-index', ...TEXT_STYLE, y: fmt(r + 12), 'font-size': 10, fill: '#777777' });
      indexLabel.textContent = String(i);
      g.append(indexLabel);
    }
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
export function drawLegend(data: GraphViewData, slotCount: number, left: number, top: number, maxWidth: number): { group: SVGGElement; height: number } {
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

/** A sentence for screen readers: the graph's name and its edges. */
export function describeGraph(graph: { T: number; multi_parent: boolean; parents: number[][]; name: string }): string {
  const edges = graph.parents
    .map((list, child) => (list.length ? `${child} ← ${list.join(', ')}` : ''))
    .filter(Boolean)
    .join('; ');
  const kind = graph.multi_parent ? `multi-parent; node ${graph.T} is predicted` : `single-parent; position ${graph.T - 1} is the query`;
  return `The causal graph "${graph.name}" over ${graph.T} positions (${kind}). Parents: ${edges || 'none'}.`;
}
