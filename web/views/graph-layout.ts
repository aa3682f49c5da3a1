// The graph view's geometry, DOM-free: which kind each position is (input, query, predicted),
// where the positions sit in their row (on their own, or over the columns of the heat map
// below), and the arcs from each parent to its child. Tested in Node.

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

/** A coordinate for an SVG attribute: one decimal. */
export function fmt(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}
