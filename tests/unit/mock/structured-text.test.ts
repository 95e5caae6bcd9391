import { describe, expect, it } from 'vitest';
import { structuredText, STRUCTURED_MIN_TOKENS } from '../../../src/mock/vocabulary.js';
import { getTokenizer } from '../../../src/workload/tokenizer.js';

const tok = getTokenizer('cl100k_base');

describe('structured mock text (tool arguments, JSON replies)', () => {
  it('is valid JSON of exactly n cl100k tokens, however it is chunked', () => {
    for (const start of [0, 7, 150]) {
      for (let n = STRUCTURED_MIN_TOKENS; n <= 40; n += 7) {
        const whole = structuredText(start, 0, n, n);
        expect(tok.count(whole)).toBe(n);
        expect(JSON.parse(whole)).toEqual({ query: expect.any(String) });
        let pieces = '';
        for (let i = 0; i < n; i += 3) pieces += structuredText(start, i, Math.min(3, n - i), n);
        expect(pieces).toBe(whole);
      }
    }
  });

  it('broken, it is still n tokens but does not parse', () => {
    const broken = structuredText(3, 0, 9, 9, true);
    expect(tok.count(broken)).toBe(9);
    expect(() => JSON.parse(broken)).toThrow();
  });
});
