import { describe, expect, it } from 'vitest';

import { inductionTargets } from '../../web/common/figure-data';
import { formatLoss, formatRate, headlineRecovery, parentSlotNames } from '../../web/views/vocabulary';
import type { GraphInfo } from '../../web/worker/protocol';

const chain: GraphInfo = { name: 'chain', T: 6, multi_parent: false, parents: [[], [0], [1], [2], [3], []], spec: '-;0;1;2;3;-' };
const trigram: GraphInfo = {
  name: 'trigram', T: 5, multi_parent: true, parents: [[], [], [0, 1], [1, 2], [2, 3], [3, 4]], spec: '-;-;0,1;1,2;2,3;3,4',
};

describe('figure data', () => {
  it('finds where an induction head should look: after earlier copies of the query', () => {
    // tokens: A B A C A | query A  -> positions whose parent holds A: 1 (after 0), 3 (after 2)
    expect(inductionTargets(chain, [0, 1, 0, 2, 0, 0])).toEqual([1, 3]);
    expect(inductionTargets(chain, [0, 1, 0, 2, 0, 3])).toEqual([]);
  });

  it('matches both parents for multi-parent tasks', () => {
    // predicted node 5 has parents (3, 4) = (C, A); position 4 has parents (2, 3) = (A, C) -> no;
    // position 2 has parents (0, 1) = (C, A) -> yes
    expect(inductionTargets(trigram, [2, 0, 0, 2, 0])).toEqual([2]);
  });

  it('names parent slots', () => {
    expect(parentSlotNames(chain)).toEqual(['parent']);
    expect(parentSlotNames(trigram)).toEqual(['i−2', 'i−1']);
    expect(parentSlotNames({ ...trigram, name: 'paper2' })).toEqual(['(i−1) div 2', 'i−1']);
    expect(parentSlotNames({ ...trigram, name: 'custom' })).toEqual(['parent 1', 'parent 2']);
  });

  it('summarizes recovery as each head at its best slot', () => {
    expect(headlineRecovery([[0.9]])).toBeCloseTo(0.9);
    expect(headlineRecovery([[0.1, 0.8], [0.7, 0.2]])).toBeCloseTo(0.75);
    expect(headlineRecovery([])).toBeNaN();
  });

  it('formats numbers without ever printing NaN', () => {
    expect(formatLoss(1.23456)).toBe('1.235');
    expect(formatLoss(Number.NaN)).toBe('—');
    expect(formatRate(Number.NaN)).toBe('0');
    expect(formatRate(1234.4)).toBe('1,234');
    expect(formatRate(2.25)).toBe('2.3');
  });
});
