// The custom graph's editing rules (web/custom-graph.ts): + / − position and the heads to suggest.
import { describe, expect, it } from 'vitest';

import { resizedParents, suggestedHeads } from '../../web/custom-graph';

describe('custom graph editing', () => {
  // A chain of four positions, the last (3) the query with parent 2.
  const chain = [[], [0], [1], [2]];

  it('+ position adds a root just before the query, which keeps its arcs', () => {
    expect(resizedParents(chain, 1)).toEqual([[], [0], [1], [], [2]]);
  });

  it('− position removes the last ordinary position with its arcs and renumbers after it', () => {
    expect(resizedParents(chain, -1)).toEqual([[], [0], []]);
    expect(resizedParents([[], [0], [0, 1], [2, 1]], -1)).toEqual([[], [0], [1]]);
  });

  it('suggests one first-layer head per parent, only when the run has fewer', () => {
    expect(suggestedHeads([[], [0], [0, 1]], [1, 1])).toEqual([2, 1]);
    expect(suggestedHeads([[], [0], [0, 1]], [2, 1])).toBeNull();
    expect(suggestedHeads(chain, [1, 1])).toBeNull();
  });
});
