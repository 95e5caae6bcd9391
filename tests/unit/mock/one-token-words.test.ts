import { get_encoding } from 'tiktoken';
import { afterAll, describe, expect, it } from 'vitest';
import { ONE_TOKEN_WORDS, tokenText, VOCABULARY_SIZE } from '../../../src/mock/vocabulary.js';

const encoder = get_encoding('cl100k_base');
afterAll(() => encoder.free());

describe('the mock vocabulary', () => {
  it('has only words that are one cl100k_base token each', () => {
    const notOne = ONE_TOKEN_WORDS.filter((word) => encoder.encode_ordinary(word).length !== 1);
    expect(notOne).toEqual([]);
    expect(new Set(ONE_TOKEN_WORDS).size).toBe(VOCABULARY_SIZE);
    for (const word of ONE_TOKEN_WORDS) expect(word).toMatch(/^ [a-z]+$/);
  });

  it('counts as exactly n tokens for any start, length and chunking', () => {
    for (const start of [0, 1, 57, VOCABULARY_SIZE - 1]) {
      for (const n of [1, 2, 17, VOCABULARY_SIZE, VOCABULARY_SIZE + 3, 1000]) {
        const whole = tokenText(start, 0, n);
        expect(encoder.encode_ordinary(whole).length).toBe(n);
        // Streamed in uneven chunks, the pieces join into the same text.
        let joined = '';
        for (let first = 0; first < n; first += 3) joined += tokenText(start, first, Math.min(3, n - first));
        expect(joined).toBe(whole);
      }
    }
  });

  it('keeps reasoning and content counts exact when split between them', () => {
    const reasoning = tokenText(5, 0, 40);
    const content = tokenText(5, 40, 88);
    expect(encoder.encode_ordinary(reasoning).length).toBe(40);
    expect(encoder.encode_ordinary(content).length).toBe(88);
  });

  it('is safe inside a JSON string as is', () => {
    const text = tokenText(0, 0, VOCABULARY_SIZE);
    expect(JSON.stringify(text)).toBe(`"${text}"`);
  });
});
