// The query strip's DOM-free helpers: token symbols, the vocabulary, bar sizes and the peak.
// (No jsdom here: the drawing itself is checked by screenshots.)
import { describe, expect, it } from 'vitest';

import { barFraction, peakPosition, tokenSymbol, vocabularySize } from '../../web/views/query-strip';

describe('QueryStrip helpers', () => {
  it('writes tokens as letters up to 26 symbols, else as numbers', () => {
    expect(tokenSymbol(0, 10)).toBe('A');
    expect(tokenSymbol(25, 26)).toBe('Z');
    expect(tokenSymbol(25, 27)).toBe('25');
    expect(tokenSymbol(-1, 10)).toBe('?');
  });

  it('infers the vocabulary when it is not given', () => {
    expect(vocabularySize([0, 4, 2])).toBe(5);
    expect(vocabularySize([0, 4, 2], 30)).toBe(30);
  });

  it('sizes bars by weight, and never by a value that is not finite', () => {
    expect(barFraction(0.4)).toBe(0.4);
    expect(barFraction(1.2)).toBe(1);
    expect(barFraction(-0.1)).toBe(0);
    expect(barFraction(NaN)).toBe(0);
    expect(peakPosition([0.1, 0.6, NaN, 0.3])).toBe(1);
    expect(peakPosition([NaN, NaN])).toBe(-1);
  });
});
