// The custom graph's editing rules that are not drawing: a position added or removed, and the
// number of first-layer heads to suggest for the graph as edited.

/**
 * The parent lists after "+ position" (delta 1) or "− position" (delta −1). A new position is a
 * root just before the last one (the query, or the predicted node); removing takes the last
 * ordinary position away, with the arcs that touch it, and renumbers the later positions.
 */
export function resizedParents(parents: readonly number[][], delta: 1 | -1): number[][] {
  const at = parents.length - 1; // the query or the predicted node stays last
  if (delta > 0) return [...parents.slice(0, at).map((list) => list.slice()), [], parents[at].slice()];
  const removed = at - 1;
  return parents
    .filter((_, i) => i !== removed)
    .map((list) => list.filter((p) => p !== removed).map((p) => (p > removed ? p - 1 : p)));
}

/**
 * A graph whose positions have k > 1 parents is learned best with k first-layer heads, one per
 * parent (docs/science.md): the heads to offer, or null when the run already has enough.
 */
export function suggestedHeads(parents: readonly number[][], heads: readonly number[]): number[] | null {
  const k = Math.max(1, ...parents.map((list) => list.length));
  return k < 2 || heads[0] >= k ? null : [k, ...heads.slice(1)];
}

/** The editor's hint: says so and offers the change ("Use heads k,..."); it does not make it behind the visitor's back. */
export function showHeadsHint(hint: HTMLElement, parents: readonly number[][], heads: readonly number[], use: (heads: number[]) => void): void {
  const next = suggestedHeads(parents, heads);
  if (!next) {
    hint.hidden = true;
    return;
  }
  const k = next[0];
  hint.textContent = `Some positions now have ${k} parents: with ${k} first-layer heads, each parent can get a head of its own (it has ${heads[0]}). `;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'small';
  button.dataset.testid = 'use-heads';
  button.textContent = `Use heads ${next.join(',')}`;
  button.addEventListener('click', () => {
    hint.hidden = true;
    use(next);
  });
  hint.append(button);
  hint.hidden = false;
}
