// The recovery bars' headline: which number stands for a run's parent recovery, and how it is
// written. Node environment (no DOM): the bars themselves are checked in the browser suite.
import { describe, expect, it } from 'vitest';

import { formatRecovery, summarizeRecovery } from '../../web/views/recovery-bars';

describe('the recovery headline', () => {
  it('is the best head on single-parent tasks', () => {
    expect(summarizeRecovery([[0.3], [0.97]])).toBeCloseTo(0.97);
    expect(formatRecovery(summarizeRecovery([[0.3], [0.97]]))).toBe('0.97');
  });

  it('is the mean over heads of each head\'s best slot on multi-parent tasks', () => {
    expect(summarizeRecovery([[0.9, 0.1], [0.2, 0.7]])).toBeCloseTo(0.8);
  });

  it('shows a dash when nothing is finite', () => {
    expect(formatRecovery(summarizeRecovery([[Number.NaN], [Number.NaN]]))).toBe('—');
    expect(formatRecovery(summarizeRecovery([]))).toBe('—');
    expect(summarizeRecovery([[Number.NaN, 0.4], [0.6, Number.NaN]])).toBeCloseTo(0.5);
  });
});
