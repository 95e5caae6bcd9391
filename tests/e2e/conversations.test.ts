/** Conversations from the command line, as a user runs them: the bundled chat scenario, the bundled dataset, the binary. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { bench } from '../helpers/bench-process.js';
import type { RunSummary } from '../../src/metrics/summary-types.js';

const dir = mkdtempSync(join(tmpdir(), 'volley-conv-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('bench run scenarios/chat.ts --conversations --turns 2: a per-turn table on stdout and llm.turns in summary.json', async () => {
  const out = join(dir, 'out');
  const r = await bench(['run', 'scenarios/chat.ts', '--dataset', 'datasets/conversations.json', '--conversations', '--turns', '2', '-u', '1', '-w', '1', '--iterations', '4', '--out', out]);
  expect(r.stderr).not.toContain('error');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Conversation turns');
  expect(r.stdout).toMatch(/Sessions: 2 started, 2 completed, 0 broken/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
  expect(summary.llm!.turns!.map((t) => [t.turn, t.requests])).toEqual([
    [1, 2],
    [2, 2],
  ]);
  expect(summary.meta.options).toMatchObject({ conversations: true, turns: 2 });
});

it('--conversations with a dataset that holds none: exit 2, one message naming the file, no stack', async () => {
  const r = await bench(['run', 'scenarios/chat.ts', '--dataset', 'datasets/sonnet.txt', '--conversations', '-u', '1', '--iterations', '1']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/sonnet\.txt holds no conversations/);
  expect(r.stderr).not.toContain('    at ');
});
