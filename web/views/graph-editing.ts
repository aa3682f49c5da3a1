// The graph view's editing, DOM-free: the engine's custom-graph spec strings (to and from a
// parents list), the click-by-click state machine that edits the parents, and the hint that
// tells a visitor how. Tested in Node (tests/web/graph-view.test.ts).

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

/** How to edit, shown under an editable graph and in its label. */
export const EDIT_HINT =
  'Click a position to edit it, then click a node to make it the parent; Shift-click to add a second (or remove one).';
