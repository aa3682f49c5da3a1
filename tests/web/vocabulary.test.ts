// The figure's vocabulary (web/views/vocabulary.ts): one name per parent slot on every view,
// one headline recovery behind the bars, the headline and the phase marker.
import { describe, expect, it } from 'vitest';

import { slotNames as attentionSlotNames } from '../../web/views/attention-panel';
import { recoveryBarsModel, summarizeRecovery } from '../../web/views/recovery-bars';
import {
  MINUS,
  PAPER2_SLOT_NAMES,
  formatRecovery,
  formatStep,
  headlineRecovery,
  headlineRecoveryLabel,
  parentSlotColor,
  parentSlotNames,
  slotArrowLabel,
  tokenSymbol,
} from '../../web/views/vocabulary';
import type { GraphInfo } from '../../web/worker/protocol';

/** An n-gram graph over T positions plus the predicted node T: parents i−k .. i−1. */
function ngram(k: number, T: number): GraphInfo {
  const parents = Array.from({ length: T + 1 }, (_, i) => (i >= k ? Array.from({ length: k }, (_, m) => i - k + m) : []));
  return { name: k === 2 ? 'trigram' : 'ngram', T, multi_parent: true, parents, spec: '' };
}

describe('parent slot names', () => {
  it('counts back with a real minus sign for k = 2 and k = 3', () => {
    expect(parentSlotNames(ngram(2, 10))).toEqual([`i${MINUS}2`, `i${MINUS}1`]);
    expect(parentSlotNames(ngram(3, 12))).toEqual(['i\u22123', 'i\u22122', 'i\u22121']);
    for (const name of parentSlotNames(ngram(3, 12))) expect(name).not.toMatch(/-|farther|nearer/);
  });

  it('is the same in the heat maps, the bars and the graph legend', () => {
    const graph = ngram(2, 10);
    const names = parentSlotNames(graph);
    expect(attentionSlotNames(graph.parents.slice(0, graph.T), 2)).toEqual(names);
    expect([0, 1].map((slot) => slotArrowLabel(names, slot))).toEqual(['i\u22122 → i', 'i\u22121 → i']);
  });

  it('names the paper\'s graph, custom graphs and single parents', () => {
    expect(parentSlotNames({ ...ngram(2, 10), name: 'paper2' })).toEqual([...PAPER2_SLOT_NAMES]);
    expect(PAPER2_SLOT_NAMES).toEqual(['(i\u22121) div 2', 'i\u22121']);
    expect(parentSlotNames({ ...ngram(2, 10), name: 'custom' })).toEqual(['parent 1', 'parent 2']);
    expect(slotArrowLabel(['parent 1', 'parent 2'], 1)).toBe('parent 2 → child');
    const chain: GraphInfo = { name: 'chain', T: 4, multi_parent: false, parents: [[], [0], [1], [2]], spec: '' };
    expect(parentSlotNames(chain)).toEqual(['parent']);
    expect(slotArrowLabel(['parent'], 0)).toBe('parent → child');
  });

  it('gives every slot its own colour, and a lone parent the single-parent one', () => {
    expect(new Set([0, 1, 2].map((slot) => parentSlotColor(slot, 3))).size).toBe(3);
    expect(parentSlotColor(0, 1)).toBe(parentSlotColor(1, 2));
  });
});

describe('the headline recovery', () => {
  it('is the best head on single-parent tasks, not the mean over heads', () => {
    expect(headlineRecovery([[0.2], [0.96]])).toBeCloseTo(0.96);
    expect(headlineRecoveryLabel(2, 1)).toBe('parent recovery (best head)');
    expect(headlineRecoveryLabel(1, 1)).toBe('parent recovery');
  });

  it('needs every parent found by some head on multi-parent tasks', () => {
    // The plateau: both heads on i−1. Each head's best slot is high, but i−2 is not found.
    expect(headlineRecovery([[0.05, 0.9], [0.06, 0.88]])).toBeCloseTo(0.48);
    // After the split: one head per parent.
    expect(headlineRecovery([[0.05, 0.9], [0.86, 0.1]])).toBeCloseTo(0.88);
    // A third, idle head does not pull it down.
    expect(headlineRecovery([[0.05, 0.9], [0.86, 0.1], [0.3, 0.3]])).toBeCloseTo(0.88);
    expect(headlineRecoveryLabel(2, 2)).toMatch(/each parent/);
  });

  it('ignores values that are not finite', () => {
    expect(headlineRecovery([])).toBeNaN();
    expect(headlineRecovery([[Number.NaN], [Number.NaN]])).toBeNaN();
    expect(headlineRecovery([[Number.NaN, 0.4], [0.6, Number.POSITIVE_INFINITY]])).toBeCloseTo(0.5);
  });

  it('is the number the recovery bars show', () => {
    for (const recovery of [[[0.3], [0.97]], [[0.05, 0.9], [0.06, 0.88]], [[0.9, 0.1], [0.2, 0.7]], [[Number.NaN]]]) {
      const model = recoveryBarsModel(recovery, recovery[0].length > 1 ? ['i\u22122', 'i\u22121'] : ['parent']);
      expect(model.headline).toBe(headlineRecovery(recovery));
      expect(formatRecovery(summarizeRecovery(recovery))).toBe(formatRecovery(headlineRecovery(recovery)));
    }
    expect(recoveryBarsModel([[0.95], [0.2]], ['parent']).reached).toBe(true);
    expect(recoveryBarsModel([[0.05, 0.9], [0.06, 0.88]], ['i\u22122', 'i\u22121']).reached).toBe(false);
    expect(recoveryBarsModel([[0.05, 0.9], [0.86, 0.1]], ['i\u22122', 'i\u22121']).bestSlot).toEqual([1, 0]);
  });
});

describe('numbers and tokens as text', () => {
  it('prints steps, scores and tokens one way', () => {
    expect(formatStep(950)).toBe('950');
    expect(formatStep(12500)).toBe('12.5k');
    expect(formatStep(1_250_000)).toBe('1.25M');
    expect(formatRecovery(0.876)).toBe('0.88');
    expect(formatRecovery(Number.NaN)).toBe('—');
    expect(tokenSymbol(2, 5)).toBe('C');
    expect(tokenSymbol(40, 64)).toBe('40');
  });
});
