import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { ConfigError } from '../../../src/errors.js';
import { validateOptions } from '../../../src/config/validate.js';
import { loadDataset, defaultDatasetPath } from '../../../src/workload/dataset.js';
import { OPEN_TOKENIZERS, openTokenizerProblem } from '../../../src/workload/hf-tokenizer.js';
import { promptSource } from '../../../src/workload/prompt.js';
import { getTokenizer } from '../../../src/workload/tokenizer.js';
import { TracePrompts } from '../../../src/workload/trace-prompt.js';
import { parseTrace } from '../../../src/workload/trace.js';
import { seededRandom } from '../../../src/util/random.js';
import { caught } from '../../helpers/caught.js';

const text = readFileSync(defaultDatasetPath(), 'utf8');

for (const name of Object.keys(OPEN_TOKENIZERS)) {
  const missing = openTokenizerProblem(name);
  // The model packages are large and optional (docs/llm.md#tokenizers): without one, its checks say so and skip.
  describe.skipIf(missing !== undefined)(`--tokenizer ${name}${missing ? ` (skipped: ${missing})` : ''}`, () => {
    it('counts exactly what it encodes, memoized, and cuts prompts of exactly N tokens', () => {
      const tok = getTokenizer(name);
      expect(tok.count(text)).toBe(tok.encode(text).length);
      expect(tok.count(text)).toBe(tok.encode(text).length); // the memoized path
      const source = promptSource(loadDataset(undefined), tok);
      const random = seededRandom(7);
      for (const n of [1, 17, 256, 1500]) {
        const p = source.build(n, random);
        expect(p.tokens).toBe(n);
        expect(tok.encode(p.text).length).toBe(n);
      }
      const prefixed = source.build(300, random, 120);
      expect(tok.encode(prefixed.text).length).toBe(300);
      // Trace prompts from hash ids too.
      const [rec] = parseTrace('t.jsonl', '{"timestamp":0,"input_length":1100,"hash_ids":[3,4,5]}').records;
      const built = new TracePrompts(source).build(rec!);
      expect(tok.encode(built.text).length).toBe(1100);
    }, 120_000);
  });
}

describe('--tokenizer path/to/tokenizer.json', () => {
  // A byte-level BPE of 276 tokens written for this test (tests/fixtures/tokenizers/tiny-bpe): always there.
  const file = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/tokenizers/tiny-bpe/tokenizer.json');

  it('loads a tokenizer.json and cuts prompts of exactly N tokens with it, counted exactly', () => {
    const tok = getTokenizer(file);
    expect(tok.name).toBe(file);
    // 't' 'he' 'Ġthe' 'm' 'e': bytes 0-255 are tokens 0-255, then the fixture's merges.
    expect([...tok.encode('the theme')]).toEqual([116, 257, 258, 109, 101]);
    expect(tok.count(text.slice(0, 5000))).toBe(tok.encode(text.slice(0, 5000)).length);
    const source = promptSource(loadDataset(undefined), tok);
    const random = seededRandom(3);
    for (const n of [1, 50, 700]) expect(tok.encode(source.build(n, random).text).length).toBe(n);
    const [rec] = parseTrace('t.jsonl', '{"timestamp":0,"input_length":900,"hash_ids":[1,2]}').records;
    expect(tok.count(new TracePrompts(source).build(rec!).text)).toBe(900);
  });
});

describe('--tokenizer choices', () => {
  it('an unknown name is a user error naming the option and listing every choice', () => {
    const err = caught(() => getTokenizer('gpt2')) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('--tokenizer: unknown tokenizer "gpt2": expected one of cl100k_base, o200k_base, llama3, llama3_1, qwen3, deepseek_v3, gemma3, gpt-oss, or the path of a tokenizer.json');
    const cfg = caught(() => validateOptions('the command line', { tokenizer: 'gpt2' }, 'flags')) as ConfigError;
    expect(cfg).toBeInstanceOf(ConfigError);
    expect(cfg.problems).toEqual(['--tokenizer: unknown tokenizer "gpt2": expected one of cl100k_base, o200k_base, llama3, llama3_1, qwen3, deepseek_v3, gemma3, gpt-oss, or the path of a tokenizer.json']);
  });

  it('a tokenizer.json path that does not exist is named', () => {
    const cfg = caught(() => validateOptions('the command line', { tokenizer: './nope/tokenizer.json' }, 'flags')) as ConfigError;
    expect(cfg.problems[0]).toMatch(/^--tokenizer: no tokenizer file at .*nope\/tokenizer\.json/);
  });

  it('tiktoken stays the default', () => {
    expect(getTokenizer().name).toBe('cl100k_base');
  });
});
