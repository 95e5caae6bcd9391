/**
 * LLM figures per request name and per user class, against the built-in mock:
 * counts and tokens are those sent, and embeddings stay out of the generation E2E.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { getTokenizer } from '../../src/workload/tokenizer.js';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import { aggregateFromSummary, summaryFromAggregate } from '../../src/distributed/merge/aggregate-io.js';
import { runFixture } from '../helpers/run-fixture.js';
import { parse } from 'csv-parse/sync';

let mock: MockServer;
let dir: string;
const tok = getTokenizer('cl100k_base');

beforeAll(async () => {
  mock = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1 });
  dir = mkdtempSync(join(tmpdir(), 'volley-llm-names-'));
});

afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

it('keeps every LLM figure per request name and per user class, and the totals over generation E2E only', async () => {
  const out = join(dir, 'run');
  const r = await runFixture('llm/chat-and-embeddings.ts', { host: mock.url, users: 2, iterationsPerUser: 3, out });
  expect(r.exitCode).toBe(0);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
  const llm = s.llm!;
  const byName = llm.byName!;
  expect(Object.keys(byName)).toEqual(['/v1/chat/completions', '/v1/embeddings', 'docs']);

  const chat = byName['/v1/chat/completions']!;
  expect(chat.requests).toBe(3);
  expect(chat.outputTokens).toBe(15);
  expect(chat.e2eMs.count).toBe(3);
  expect(chat.ttftMs.count).toBe(3);
  expect(chat.tpotMs.count).toBe(3);
  expect(chat.itlMs.count).toBeGreaterThan(0);

  const embed = byName['/v1/embeddings']!;
  expect(embed.requests).toBe(3);
  expect(embed.inputTokens).toBe(3 * tok.count('the sea is wide and deep'));
  expect(embed.outputTokens).toBe(0);
  expect(embed.e2eMs.count).toBe(3);
  expect(embed.ttftMs.count).toBe(0);

  const docs = byName.docs!;
  expect(docs.requests).toBe(3);
  expect(docs.inputTokens).toBe(3 * (tok.count('salt water') + tok.count('a mountain range')));
  expect(docs.e2eMs.count).toBe(3);

  // The totals count every LLM request and token; their E2E holds the chats alone.
  expect(llm.requests).toBe(9);
  expect(llm.inputTokens).toBe(chat.inputTokens + embed.inputTokens + docs.inputTokens);
  expect(llm.outputTokens).toBe(15);
  expect(llm.e2eMs.count).toBe(3);
  expect(llm.e2eMs.max).toBe(chat.e2eMs.max);

  const byClass = llm.byClass!;
  expect(Object.keys(byClass)).toEqual(['Chatter', 'Embedder']);
  expect(byClass.Chatter!.requests).toBe(6);
  expect(byClass.Chatter!.outputTokens).toBe(15);
  expect(byClass.Chatter!.inputTokens).toBe(chat.inputTokens + embed.inputTokens);
  expect(byClass.Chatter!.e2eMs.count).toBe(3);
  expect(byClass.Embedder!.requests).toBe(3);
  expect(byClass.Embedder!.inputTokens).toBe(docs.inputTokens);
  expect(byClass.Embedder!.e2eMs.count).toBe(0);

  // The end-of-run table and report.html show them.
  expect(r.stdout).toMatch(/LLM by request name[\s\S]*\/v1\/embeddings\s+3\s+0\s+-\s+-/);
  expect(r.stdout).toMatch(/LLM by user class[\s\S]*Embedder\s+3\s+0/);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  expect(html).toContain('id="llm-names"');
  expect(html).toContain('id="llm-classes"');
  const csv = parse(readFileSync(join(out, 'llm.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  expect(csv.map((row) => [row.Group, row.Name, row.Requests, row['E2E Count']])).toEqual([
    ['total', '', '9', '3'],
    ['name', '/v1/chat/completions', '3', '3'],
    ['name', '/v1/embeddings', '3', '3'],
    ['name', 'docs', '3', '3'],
    ['class', 'Chatter', '6', '3'],
    ['class', 'Embedder', '3', '0'],
  ]);
  expect(csv[2]!['TTFT p50']).toBe('');
  expect(Number(csv[1]!['TTFT p50'])).toBe(chat.ttftMs.p50);

  // summary.json carries the groups' histograms: bench merge of the run with itself doubles every count exactly.
  expect(s.histograms.llm?.length).toBe(5);
  const agg = aggregateFromSummary(s, 'a.json');
  agg.addAggregate(aggregateFromSummary(s, 'b.json'));
  const merged = summaryFromAggregate(agg, { meta: s.meta, hasSlo: false, history: [] }).llm!;
  expect(merged.byName!['/v1/embeddings']!.requests).toBe(6);
  expect(merged.byName!['/v1/embeddings']!.e2eMs.count).toBe(6);
  expect(merged.byName!['/v1/embeddings']!.e2eMs.p99).toBe(embed.e2eMs.p99);
  expect(merged.byName!['/v1/chat/completions']!.ttftMs.max).toBe(chat.ttftMs.max);
  expect(merged.byClass!.Chatter!.outputTokens).toBe(30);
  expect(merged.e2eMs.count).toBe(6);
});
