import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/workload/dataset.js';
import { promptSource } from '../../../src/workload/prompt.js';
import { getTokenizer } from '../../../src/workload/tokenizer.js';
import { TracePrompts } from '../../../src/workload/trace-prompt.js';
import { parseTrace } from '../../../src/workload/trace.js';

const mooncake = (...recs: Array<[number, number[]]>) =>
  parseTrace('m.jsonl', recs.map(([input, ids], i) => JSON.stringify({ timestamp: i * 10, input_length: input, output_length: 8, hash_ids: ids })).join('\n')).records;

describe('Mooncake prompts from hash_ids', () => {
  const tok = getTokenizer('cl100k_base');
  const source = promptSource(loadDataset(undefined), tok);

  it('are exactly input_length tokens, and equal leading hash ids give identical leading text', () => {
    const prompts = new TracePrompts(source, 64);
    const [a, b, c, d] = mooncake([150, [7, 8, 9]], [170, [7, 8, 10]], [100, [7, 11]], [130, [12, 8, 9]]).map((r) => prompts.build(r));
    for (const [p, n] of [[a!, 150], [b!, 170], [c!, 100], [d!, 130]] as const) {
      expect(p.tokens).toBe(n);
      expect(tok.count(p.text)).toBe(n);
      expect(tok.encode(p.text).length).toBe(n);
    }
    const block7 = prompts.block(7, 64).text;
    const block8 = prompts.block(8, 64).text;
    // a and b share blocks 7 and 8; c shares block 7 only; d starts with another block.
    expect(a!.text.startsWith(block7 + block8)).toBe(true);
    expect(b!.text.startsWith(block7 + block8)).toBe(true);
    expect(c!.text.startsWith(block7)).toBe(true);
    expect(c!.text.startsWith(block7 + block8)).toBe(false);
    expect(d!.text.startsWith(block7)).toBe(false);
    expect(tok.count(block7)).toBe(64);
    // Their own last blocks differ.
    expect(a!.text.slice((block7 + block8).length)).not.toBe(b!.text.slice((block7 + block8).length));
  });

  it('take the ids a prompt needs: shorter than its ids, it stops early; longer, the last block grows', () => {
    const prompts = new TracePrompts(source, 64);
    const [short, long] = mooncake([70, [1, 2, 3, 4]], [300, [1, 2]]).map((r) => prompts.build(r));
    expect(short!.tokens).toBe(70);
    expect(short!.text.startsWith(prompts.block(1, 64).text)).toBe(true);
    expect(long!.tokens).toBe(300);
    expect(long!.text.startsWith(prompts.block(1, 64).text)).toBe(true);
  });

  it('are exact across many lengths and block sizes (a cut next to a line end included)', () => {
    for (const size of [16, 512]) {
      const prompts = new TracePrompts(source, size);
      const recs = mooncake(...Array.from({ length: 60 }, (_, i): [number, number[]] => [20 + i * 13, [0, 1000 + i, 2000 + i]]));
      const off = recs.map((r) => prompts.build(r)).filter((p, i) => p.tokens !== recs[i]!.inputTokens || tok.count(p.text) !== p.tokens);
      expect(off).toEqual([]);
    }
  });

  it('without hash ids a record still gets a prompt of its length, its own', () => {
    const prompts = new TracePrompts(source);
    const recs = parseTrace('p.jsonl', '{"timestamp":0,"input_length":40}\n{"timestamp":1,"input_length":40}\n').records;
    const [x, y] = recs.map((r) => prompts.build(r));
    expect([x!.tokens, y!.tokens]).toEqual([40, 40]);
    expect(x!.text).not.toBe(y!.text);
  });
});
