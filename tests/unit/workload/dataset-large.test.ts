/**
 * A dataset larger than MAX_CORPUS_CHARS: shaped traffic cuts prompts from the
 * whole file (windows spread over it), not from its first 8 Mi characters.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadDataset, MAX_CORPUS_CHARS } from '../../../src/workload/dataset.js';
import { PromptSource } from '../../../src/workload/prompt.js';
import { getTokenizer } from '../../../src/workload/tokenizer.js';
import { seededRandom } from '../../../src/util/random.js';

let dir: string;
let file: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'volley-large-ds-'));
  file = join(dir, 'large.txt');
  // 12 MiB: lines of the first 8 Mi characters say "early", the lines after say "late".
  const line = (word: string, i: number) => `${word} line ${i} with some ordinary words to make it longer than a few tokens\n`;
  const parts: string[] = [];
  let chars = 0;
  for (let i = 0; chars < 12 * 1024 * 1024; i++) {
    const l = line(chars < MAX_CORPUS_CHARS ? 'early' : 'late', i);
    parts.push(l);
    chars += l.length;
  }
  writeFileSync(file, parts.join(''));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('takes its corpus from the whole file, within the size that is tokenized', () => {
  const ds = loadDataset(file);
  expect(ds.corpus.length).toBeLessThanOrEqual(MAX_CORPUS_CHARS);
  expect(ds.corpus).toContain('late line');
  expect(ds.corpus).toContain('early line 0 ');
  // Windows are whole lines.
  for (const l of ds.corpus.slice(0, 1_000_000).split('\n').slice(0, -1)) expect(l).toMatch(/^(early|late) line \d+ with some ordinary words to make it longer than a few tokens$/);
});

it('cuts prompts from past the first 8 Mi characters', () => {
  const source = new PromptSource(loadDataset(file), getTokenizer('cl100k_base'));
  const random = seededRandom(7);
  let late = 0;
  for (let i = 0; i < 200; i++) if (source.build(30, random).text.includes('late line')) late++;
  // A third of the file is past 8 Mi characters: about a third of the prompts start there.
  expect(late).toBeGreaterThan(20);
});
