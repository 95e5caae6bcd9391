import { caught } from '../../helpers/caught.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDatasetPath, loadDataset, parseCsvColumn } from '../../../src/workload/dataset.js';
import { UserError } from '../../../src/errors.js';

const fixtures = new URL('../../fixtures/datasets/', import.meta.url).pathname;

/** The UserError fn throws. */
function userError(fn: () => unknown): UserError {
  const err = caught(fn);
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

function tmp(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'volley-ds-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('datasets', () => {
  it('defaults to the bundled sonnets, paragraphs as records', () => {
    const ds = loadDataset(undefined);
    expect(ds.path).toBe(defaultDatasetPath());
    expect(ds.format).toBe('text');
    expect(ds.records.length).toBeGreaterThanOrEqual(60);
    expect(ds.records[0]!.prompt).toMatch(/^From fairest creatures/);
    expect(ds.corpus.length).toBeGreaterThan(40_000);
    expect(ds.corpus.endsWith('\n')).toBe(true);
  });

  it('caches per path', () => {
    expect(loadDataset(fixtures + 'prompts.jsonl')).toBe(loadDataset(fixtures + 'prompts.jsonl'));
  });

  it('caches per path and column: another column of the same file is its own dataset', () => {
    const byPrompt = loadDataset(fixtures + 'prompts.csv');
    const byOther = loadDataset(fixtures + 'prompts.csv', { column: 'other' });
    expect(byOther).not.toBe(byPrompt);
    expect(byOther.records.map((r) => r.prompt)).not.toEqual(byPrompt.records.map((r) => r.prompt));
    expect(loadDataset(fixtures + 'prompts.csv', { column: 'other' })).toBe(byOther);
    expect(loadDataset(fixtures + 'prompts.csv', { column: 'prompt' })).not.toBe(byOther);
    // The default dataset (looked up on every LLM request) is read once too.
    expect(loadDataset(undefined)).toBe(loadDataset(undefined));
  });

  it('reads JSONL prompts and messages, skipping blank lines', () => {
    const ds = loadDataset(fixtures + 'prompts.jsonl');
    expect(ds.format).toBe('jsonl');
    expect(ds.records).toEqual([
      { prompt: 'Write a haiku about the sea.', completion: undefined },
      {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'What is a sonnet?' },
        ],
        completion: 'A fourteen-line poem.',
      },
      { prompt: 'Name three colours.', completion: 'Red, green and blue.' },
    ]);
    expect(ds.corpus).toBe('Write a haiku about the sea.\nBe brief.\nWhat is a sonnet?\nName three colours.\n');
  });

  it('lists every bad JSONL line at once', () => {
    const file = tmp('bad.jsonl', '{"prompt":"ok"}\nnot json\n{"text":"x"}\n{"messages":[{"content":"no role"}]}\n');
    expect(() => loadDataset(file)).toThrow(UserError);
    const msg = (caught(() => loadDataset(file)) as Error).message;
    expect(msg).toContain('line 2: not JSON');
    expect(msg).toContain('line 3: no "prompt", "messages" or "conversations" field');
    expect(msg).toContain('line 4: messages[0] needs a "role"');
  });

  it('reads one CSV column with quotes, doubled quotes, newlines and CRLF', () => {
    const ds = loadDataset(fixtures + 'prompts.csv');
    expect(ds.records.map((r) => r.prompt)).toEqual(['Hello, world', 'She said "hi"\nthen left', 'plain text']);
    expect(parseCsvColumn('x.csv', 'a,b\n1,2\n', 'b')).toEqual(['2']);
  });

  it('names the columns when the CSV column is missing', () => {
    expect(() => loadDataset(fixtures + 'prompts.csv', { column: 'question' })).toThrow(/no column "question" \(columns: "id", "prompt", "other"\)/);
  });

  it('reads ShareGPT conversations up to the first human turn', () => {
    const ds = loadDataset(fixtures + 'sharegpt.json');
    expect(ds.format).toBe('json');
    expect(ds.records).toEqual([
      {
        messages: [
          { role: 'system', content: 'You are helpful.' },
          { role: 'user', content: 'Explain tides in two sentences.' },
        ],
        completion: "Tides are the rise and fall of sea levels. The moon's gravity causes them.",
      },
      { messages: [{ role: 'user', content: 'Say hi.' }], completion: undefined },
    ]);
  });

  it('fails clearly on a missing file or an empty one', () => {
    expect(() => loadDataset('/nonexistent/x.txt')).toThrow(/cannot read dataset \/nonexistent\/x.txt/);
    expect(() => loadDataset(tmp('empty.txt', '\n\n'))).toThrow(/has no prompts/);
    expect(() => loadDataset(tmp('obj.json', '{"a":1}'))).toThrow(/expected a JSON array/);
  });

  it('gives the "has no prompts" error a hint', () => {
    const err = userError(() => loadDataset(tmp('empty.txt', '\n\n')));
    expect(err.hint).toMatch(/add prompts to the file/);
  });

  it('skips JSON conversations with no human turn, but not other bad items', () => {
    // The fixture's conversation "b" has no human turn: skipped, as in ShareGPT dumps.
    expect(loadDataset(fixtures + 'sharegpt.json').records).toHaveLength(2);
    const file = tmp('mixed.json', JSON.stringify([{ prompt: 'ok' }, { text: 'x' }, { conversations: [{ from: 'gpt', value: 'skipped' }] }, 7]));
    const err = userError(() => loadDataset(file));
    expect(err.message).toContain(`invalid dataset ${file}`);
    expect(err.message).toContain('item 1: no "prompt", "messages" or "conversations" field');
    expect(err.message).toContain('item 3: expected an object, got 7');
    expect(err.message).not.toContain('item 2');
    expect(err.hint).toMatch(/"prompt" string/);
  });

  it('says when every JSON conversation lacks a human turn', () => {
    const file = tmp('nohuman.json', JSON.stringify([{ conversations: [{ from: 'gpt', value: 'a' }] }, { conversations: [] }]));
    const err = userError(() => loadDataset(file));
    expect(err.message).toBe(`dataset ${file} has no prompts: none of its 2 conversations has a human turn`);
    expect(err.hint).toMatch(/"human"/);
  });

  it('says a field has the wrong type rather than that it is missing', () => {
    const json = userError(() => loadDataset(tmp('num.json', '[{"prompt":5}]')));
    expect(json.message).toContain('item 0: "prompt" is not a string (got 5)');
    const jsonl = userError(() => loadDataset(tmp('num.jsonl', '{"prompt":5}\n{"messages":"hi"}\n{"conversations":{}}\n')));
    expect(jsonl.message).toContain('line 1: "prompt" is not a string (got 5)');
    expect(jsonl.message).toContain('line 2: "messages" is not an array (got "hi")');
    expect(jsonl.message).toContain('line 3: "conversations" is not an array (got an object)');
  });
});
