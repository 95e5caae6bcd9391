import { describe, expect, it } from 'vitest';
import { PrefixCache } from '../../../src/mock/prefix-cache.js';

const tokens = (...runs: Array<[start: number, length: number]>): Uint32Array => Uint32Array.from(runs.flatMap(([s, n]) => Array.from({ length: n }, (_, i) => s + i)));

describe('PrefixCache', () => {
  it('answers the leading full blocks seen before, and never the last token', () => {
    const c = new PrefixCache(4, 100);
    expect(c.admit(tokens([0, 10]))).toBe(0); // blocks [0-3] [4-7] kept; the 2 tokens after them are not a block
    expect(c.admit(tokens([0, 10], [100, 6]))).toBe(8);
    // The same prompt again: 4 full blocks known, but the last token is computed, so 3 blocks (12 of 16).
    expect(c.admit(tokens([0, 10], [100, 6]))).toBe(12);
    // A different first block: nothing after it counts, even blocks that match by content.
    expect(c.admit(tokens([50, 4], [4, 6]))).toBe(0);
  });

  it('forgets the least recently used blocks past its capacity', () => {
    const c = new PrefixCache(2, 3);
    c.admit(tokens([0, 6])); // 3 blocks: A B C
    expect(c.size).toBe(3);
    c.admit(tokens([10, 2])); // D pushes out A
    expect(c.size).toBe(3);
    expect(c.admit(tokens([0, 6], [99, 1]))).toBe(0); // A is gone: the chain starts with a miss
  });
});
