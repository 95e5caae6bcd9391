import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { parseTrace, traceArrivalTimes } from '../../../src/workload/trace.js';
import { caught } from '../../helpers/caught.js';

const lines = (...objs: unknown[]) => objs.map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join('\n') + '\n';

describe('trace files', () => {
  it('reads Mooncake records: timestamps in ms from the first, input/output lengths, hash ids', () => {
    const t = parseTrace('m.jsonl', lines(
      { timestamp: 1000, input_length: 700, output_length: 20, hash_ids: [0, 1] },
      { timestamp: 1250, input_length: 600, output_length: 5, hash_ids: [0, 2] },
    ));
    expect(t.records).toEqual([
      { index: 0, line: 1, offsetMs: 0, inputTokens: 700, outputTokens: 20, hashIds: [0, 1] },
      { index: 1, line: 2, offsetMs: 250, inputTokens: 600, outputTokens: 5, hashIds: [0, 2] },
    ]);
    expect(t.spanMs).toBe(250);
  });

  it('reads plain records: timestamp in ms or time in seconds, prompt or messages, max_tokens; replays them in time order', () => {
    const t = parseTrace('p.jsonl', lines(
      { time: 2.5, prompt: 'late', max_tokens: 9 },
      '',
      { timestamp: 1000, messages: [{ role: 'user', content: 'hi' }] },
      { time: 1, prompt: 'same time, after in the file' },
    ));
    expect(t.records.map((r) => [r.index, r.line, r.offsetMs, r.prompt ?? r.messages?.[0]?.content, r.outputTokens])).toEqual([
      [0, 3, 0, 'hi', undefined],
      [1, 4, 0, 'same time, after in the file', undefined],
      [2, 1, 1500, 'late', 9],
    ]);
  });

  it('names file:line and what was expected for a bad line', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"timestamp": 0, "prompt": "a"}\nnot json', /^--trace t\.jsonl:2: not JSON/],
      ['{"prompt": "a"}', /^--trace t\.jsonl:1: no timestamp \(milliseconds\) or time \(seconds\)/],
      ['{"timestamp": -1, "prompt": "a"}', /t\.jsonl:1: timestamp: expected milliseconds >= 0, got -1/],
      ['\n\n{"timestamp": 1, "input_length": 0}', /t\.jsonl:3: input_length: expected a token count > 0, got 0/],
      ['{"timestamp": 1, "input_length": 5, "hash_ids": "x"}', /t\.jsonl:1: hash_ids: expected a list of whole numbers/],
      ['{"timestamp": 1, "max_tokens": 5}', /t\.jsonl:1: no prompt, messages or input_length/],
      ['[1]', /t\.jsonl:1: expected a JSON object/],
      ['', /t\.jsonl: no records/],
    ];
    for (const [text, message] of cases) {
      const err = caught(() => parseTrace('t.jsonl', text));
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('gives arrival times at --trace-speed: 2 halves every offset, 0.5 doubles it', () => {
    const t = parseTrace('s.jsonl', lines({ timestamp: 10, prompt: 'a' }, { timestamp: 110, prompt: 'b' }, { timestamp: 1010, prompt: 'c' }));
    expect([...traceArrivalTimes(t)]).toEqual([0, 100, 1000]);
    expect([...traceArrivalTimes(t, 2)]).toEqual([0, 50, 500]);
    expect([...traceArrivalTimes(t, 0.5)]).toEqual([0, 200, 2000]);
  });
});
