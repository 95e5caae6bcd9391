import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/workload/dataset.js';
import { PrefixPool } from '../../../src/workload/prefix-pool.js';
import { promptSource } from '../../../src/workload/prompt.js';
import { getTokenizer } from '../../../src/workload/tokenizer.js';
import { seededRandom } from '../../../src/util/random.js';

const tok = getTokenizer('cl100k_base');
const source = promptSource(loadDataset(undefined), tok);

describe('PrefixPool', () => {
  it('builds prompts of exactly the asked length, each starting with one of N prefixes of exactly L tokens', () => {
    const pool = new PrefixPool(source, 3, 64, 'a1b2c3d4');
    const random = seededRandom(9);
    const heads = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const p = pool.build(200, random);
      expect(tok.encode(p.text).length).toBe(200);
      expect(p.tokens).toBe(200);
      const prefix = [0, 1, 2].map((k) => pool.prefix(k, 64).text).find((t) => p.text.startsWith(t));
      expect(prefix).toBeDefined();
      heads.add(prefix!);
    }
    expect(heads.size).toBe(3);
    for (let k = 0; k < 3; k++) expect(tok.encode(pool.prefix(k, 64).text).length).toBe(64);
  });

  it('the salt starts every prefix and changes it; without a salt the prefixes are the same in every pool', () => {
    const salted = new PrefixPool(source, 2, 40, 'feedbeef');
    expect(salted.prefix(1, 40).text.startsWith('feedbeef-1\n')).toBe(true);
    const other = new PrefixPool(source, 2, 40, '00c0ffee');
    expect(other.prefix(1, 40).text).not.toBe(salted.prefix(1, 40).text);
    expect(new PrefixPool(source, 2, 40, undefined).prefix(1, 40).text).toBe(new PrefixPool(source, 2, 40, undefined).prefix(1, 40).text);
  });
});
