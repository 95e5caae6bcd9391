// Token counting speed per tokenizer (--tokenizer): memoized count() against
// a plain encode() on the same text, tokens per second, on one thread.
// `npm run bench:tokenizers` (the open models' packages must be installed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTokenizer, TOKENIZER_CHOICES } from '../src/workload/tokenizer.js';
import { openTokenizerProblem } from '../src/workload/hf-tokenizer.js';
import { formatTable } from './lib/table.js';

const ROOT = process.cwd();
const text = readFileSync(join(ROOT, 'datasets/sonnet.txt'), 'utf8');
// Replies of a benchmark: paragraphs of the dataset, counted one by one, over and over.
const pieces = text.split('\n\n').filter(Boolean);

function rate(fn: (s: string) => number, rounds: number): { tokPerSec: number; tokens: number } {
  let tokens = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const p of pieces) tokens += fn(p);
  return { tokPerSec: tokens / ((performance.now() - t0) / 1000), tokens };
}

const rows: string[][] = [];
for (const name of TOKENIZER_CHOICES) {
  const missing = name.startsWith('cl100k') || name.startsWith('o200k') ? undefined : openTokenizerProblem(name);
  if (missing) {
    rows.push([name, 'skipped', missing, '', '', '']);
    continue;
  }
  const t0 = performance.now();
  const tok = getTokenizer(name);
  tok.count('warm up');
  const loadMs = performance.now() - t0;
  const encode = rate((s) => tok.encode(s).length, 3);
  // A fresh tokenizer's first pass is text it has not seen (its memo fills); then the same replies again.
  const first = rate((s) => tok.count(s), 1);
  const count = rate((s) => tok.count(s), 10);
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  rows.push([name, loadMs.toFixed(0), n(encode.tokPerSec), n(first.tokPerSec), n(count.tokPerSec), (count.tokPerSec / encode.tokPerSec).toFixed(1)]);
}
console.log(`bench:tokenizers — ${pieces.length} paragraphs of datasets/sonnet.txt counted one by one, one thread\n`);
console.log(formatTable(['tokenizer', 'load ms', 'encode tok/s', 'count tok/s, first pass', 'count tok/s, seen text', 'x encode'], rows));
console.log('\n(first pass: text the memo has not seen; seen text: the same paragraphs again, as a run’s replies; x encode: seen-text count over encode)');
