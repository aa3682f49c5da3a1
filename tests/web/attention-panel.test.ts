// The attention panel's DOM-free helpers: head titles, the outlined parent cells, slot names
// and the recovery caption. (No jsdom here: the drawing itself is checked by screenshots.)
import { describe, expect, it } from 'vitest';

import { attentionTitle, parentCells, recoveryCaption, slotNames } from '../../web/views/attention-panel';

describe('AttentionPanel helpers', () => {
  it('titles each head by layer, head and view', () => {
    expect(attentionTitle(0, 'parameter')).toBe('Layer 1 · head 1 (parameter view)');
    expect(attentionTitle(1, 'batch')).toBe('Layer 1 · head 2 (batch-averaged view)');
    expect(attentionTitle(0, 'data')).toBe('Layer 1 · head 1 (data view: attention averaged over the test set; no position block)');
  });

  it('outlines the true edges, ignoring entry T and anything out of range', () => {
    const chain = [[], [0], [1], [2]];
    expect(parentCells(chain, 4)).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
    ]);
    const multi = [[], [], [0, 1], [1, 2], [2, 3]]; // T = 4 plus the predicted node
    expect(parentCells(multi, 4)).toEqual([
      [2, 0],
      [2, 1],
      [3, 1],
      [3, 2],
    ]);
    expect(parentCells([[], [5], [-1], [1.5]], 4)).toEqual([]);
  });

  it('names parent slots by their distance when it is constant', () => {
    const trigram = Array.from({ length: 8 }, (_, i) => (i >= 2 ? [i - 2, i - 1] : []));
    expect(slotNames(trigram, 2)).toEqual(['i\u22122', 'i\u22121']);
    const paper = Array.from({ length: 8 }, (_, i) => (i >= 2 ? [Math.floor((i - 1) / 2), i - 1] : []));
    expect(slotNames(paper, 2)).toEqual(['parent 1', 'i\u22121']);
  });

  it('captions recovery for one slot and for several', () => {
    expect(recoveryCaption([0.972], ['i-1'])).toBe('on parents: 0.97');
    expect(recoveryCaption([0.05, 0.912], ['i-2', 'i-1'])).toBe('slot i-2: 0.05 · slot i-1: 0.91');
    expect(recoveryCaption([NaN], [])).toBe('on parents: —');
    expect(recoveryCaption(undefined, [])).toBe('');
  });
});
