import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/llm/dataset.js';
import { PromptSource, tokenizeCorpus } from '../../../src/llm/prompt.js';
import { getTokenizer } from '../../../src/llm/tokenizer.js';
import { seededRandom } from '../../../src/util/random.js';

const fixtures = new URL('../../fixtures/datasets/', import.meta.url).pathname;

describe('prompts cut to an exact token count', () => {
  const tok = getTokenizer('cl100k_base');
  const sonnets = new PromptSource(loadDataset(undefined), tok);

  it('block encodings concatenate to the whole-corpus encoding', () => {
    const text = loadDataset(undefined).corpus;
    const { tokens } = tokenizeCorpus(text, tok);
    expect(Array.from(tokens)).toEqual(Array.from(tok.encode(text.trimStart())));
  });

  it('gives exactly the asked count, re-encoded, for many lengths and starts', () => {
    const r = seededRandom(42);
    for (const n of [1, 2, 3, 7, 50, 128, 480, 1000, 4000, 20000]) {
      for (let i = 0; i < 10; i++) {
        const p = sonnets.build(n, r);
        expect(p.tokens).toBe(n);
        expect(tok.count(p.text)).toBe(n);
      }
    }
  });

  it('keeps a shared prefix inside the count', () => {
    const r = seededRandom(1);
    const prefix = sonnets.prefix(64).text;
    expect(tok.count(prefix)).toBe(64);
    for (const n of [65, 100, 500]) {
      const p = sonnets.build(n, r, 64);
      expect(p.text.startsWith(prefix)).toBe(true);
      expect(tok.count(p.text)).toBe(n);
    }
    // A request shorter than the prefix gets a prefix of its own length.
    expect(tok.count(sonnets.build(10, r, 64).text)).toBe(10);
  });

  it('is deterministic with a seed, and differs across seeds', () => {
    const a = sonnets.build(200, seededRandom(9)).text;
    expect(sonnets.build(200, seededRandom(9)).text).toBe(a);
    expect(sonnets.build(200, seededRandom(10)).text).not.toBe(a);
  });

  it('stays exact with o200k_base and multi-byte text', () => {
    const o200k = getTokenizer('o200k_base');
    const src = new PromptSource(loadDataset(fixtures + 'unicode.txt'), o200k);
    const r = seededRandom(3);
    for (const n of [1, 5, 17, 64, 300]) {
      for (let i = 0; i < 10; i++) expect(o200k.count(src.build(n, r).text)).toBe(n);
    }
  });

  it('counts dataset records once and gives the reference answer length', () => {
    const src = new PromptSource(loadDataset(fixtures + 'sharegpt.json'), tok);
    const r = seededRandom(1);
    const outputs = new Set<number | undefined>();
    for (let i = 0; i < 20; i++) {
      const got = src.record(r);
      expect(got.inputTokens).toBe(tok.count(got.record.messages!.map((m) => m.content).join('\n')));
      outputs.add(got.outputTokens);
    }
    // "a" has a reference answer, "c" none; "b" (no human turn) is skipped.
    expect(outputs).toEqual(new Set([tok.count("Tides are the rise and fall of sea levels. The moon's gravity causes them."), undefined]));
  });
});
