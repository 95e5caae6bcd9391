import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/workload/dataset.js';
import { PromptSource, tokenizeCorpus } from '../../../src/workload/prompt.js';
import { getTokenizer } from '../../../src/workload/tokenizer.js';
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

describe('Tokenizer.count (memoized per pre-token) equals tiktoken', () => {
  const texts = [
    loadDataset(undefined).corpus,
    loadDataset(fixtures + 'unicode.txt').corpus,
    " the of and to in is that for it as was with be by on not he this are or his",
    "It's I'LL WE'RE they've She'd don't 's 'S",
    '  leading spaces,  double  spaces   \n\n\n  trailing   \t\t\n',
    'numbers 1 12 123 1234 12345 3.14159 1,000,000 ١٢٣٤',
    'code: fn(x) => { return x*2; } // comment\r\n\tif (a<=b) {}\n/path/to/file.ts',
    'URLs https://example.com/a/b?c=d&e=f#g and emails a.b@c.de',
    'mixed CamelCaseWords XMLHttpRequest iPhone ÉCOLE Straße ǅemal',
    '\u0085nel\u00a0nbsp\ufeffbom\u2028ls\u3000ideo\u200bzwsp',
    'emoji 🎉🚀✨👩‍👩‍👧 flags 🇫🇷 combining é vs é',
    'Привет мир 東京 مرحبا हिन्दी ภาษาไทย 한국어',
    '<|endoftext|> special text <|im_start|>',
  ];

  it.each(['cl100k_base', 'o200k_base'])('%s', (name) => {
    const t = getTokenizer(name);
    for (const text of texts) expect(t.count(text), text.slice(0, 40)).toBe(t.encode(text).length);
    // Random strings over a mixed alphabet.
    const r = seededRandom(11);
    const alphabet = [...'aZé 1\n\t\'s.,!?-_/東🎉\u00a0\r'];
    for (let i = 0; i < 300; i++) {
      const s = Array.from({ length: 1 + Math.floor(r() * 60) }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
      expect(t.count(s), JSON.stringify(s)).toBe(t.encode(s).length);
    }
  });
});
