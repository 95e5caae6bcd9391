/**
 * --server-metrics against the mock's /metrics (vLLM's names from its real
 * state): the server's figures land in summary.json, history.csv and the
 * thresholds; a URL that cannot be scraped is counted and warned, never fatal.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { parseExposition, sumOf } from '../../src/telemetry/exposition.js';
import { runFixture } from '../helpers/run-fixture.js';

let mock: MockServer;
let dir: string;

beforeAll(async () => {
  mock = await startMockServer({ ttftMs: 50, itlMs: 10, defaultOutputTokens: 40 });
  dir = mkdtempSync(join(tmpdir(), 'volley-server-metrics-'));
});

afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

it("the mock's /metrics has vLLM's names, from what it serves", async () => {
  const before = parseExposition(await (await fetch(`${mock.url}/metrics`)).text());
  expect(sumOf(before, 'vllm:num_requests_running')).toBe(0);
  const res = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi there' }], max_tokens: 7 }) });
  await res.text();
  const after = parseExposition(await (await fetch(`${mock.url}/metrics`)).text());
  expect(sumOf(after, 'vllm:generation_tokens_total')! - sumOf(before, 'vllm:generation_tokens_total')!).toBe(7);
  expect(sumOf(after, 'vllm:request_success_total')! - sumOf(before, 'vllm:request_success_total')!).toBe(1);
  expect(sumOf(after, 'vllm:prompt_tokens_total')!).toBeGreaterThan(sumOf(before, 'vllm:prompt_tokens_total')!);
  expect(sumOf(after, 'vllm:kv_cache_usage_perc')).toBe(0);
});

it('a run joins the server figures: summary.json, history.csv, thresholds; a dead URL is counted, its credentials never shown', async () => {
  const out = join(dir, 'run');
  const dead = 'http://scraper:s3cret-pw@127.0.0.1:1/metrics';
  const r = await runFixture('llm/one-chat.ts', {
    host: mock.url,
    users: 4,
    duration: '3s',
    out,
    serverMetrics: [`${mock.url}/metrics`, dead],
    serverMetric: ['vllm:request_success_total'],
    thresholds: ['server.requests_running.max<=4', 'server.requests_running.max<1', 'server_metric["vllm:request_success_total"].last>0'],
  });
  // The second threshold fails (exit 99): 4 users keep requests running at the server.
  expect(r.exitCode).toBe(99);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  expect(summary.server.sources).toEqual([`${mock.url}/metrics`, 'http://127.0.0.1:1/metrics']);
  expect(summary.server.failures).toBeGreaterThan(0);
  expect(summary.server.scrapes).toBeGreaterThan(summary.server.failures);
  const s = summary.server.series;
  expect(s.requests_running.max).toBeGreaterThanOrEqual(1);
  expect(s.requests_running.max).toBeLessThanOrEqual(4);
  expect(s.requests_waiting.max).toBe(0);
  expect(s.kv_cache_usage.max).toBeGreaterThan(0);
  expect(s.generation_tokens_per_s.max).toBeGreaterThan(0);
  expect(s['vllm:request_success_total'].last).toBeGreaterThan(0);
  expect(summary.thresholds.map((t: { ok: boolean }) => t.ok)).toEqual([true, false, true]);
  const history = parse(readFileSync(join(out, 'history.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  expect(Object.keys(history[0]!)).toEqual(expect.arrayContaining(['server requests_running', 'server kv_cache_usage', 'server generation_tokens_per_s', 'server vllm:request_success_total']));
  // Each second's row holds the latest scrape (empty before the first one lands).
  expect(history.some((row) => row['server requests_running'] !== '')).toBe(true);
  // One warning for the dead URL, shown without its credentials.
  expect(r.stderr.match(/--server-metrics http:\/\/127\.0\.0\.1:1\/metrics: scrape failed/g)?.length).toBe(1);
  expect(r.stderr + readFileSync(join(out, 'summary.json'), 'utf8')).not.toContain('s3cret-pw');
  // report.html: the server's charts on the run's time axis, its table, and the generator's health.
  const report = readFileSync(join(out, 'report.html'), 'utf8');
  expect(report).toContain('id="chart-server-requests"');
  expect(report).toContain('id="chart-server-tokens"');
  expect(report).toContain('<h2>Server metrics</h2>');
  expect(report).toContain('<h2>Load generator</h2>');
  expect(report).not.toContain('s3cret-pw');
  // The generator's health is kept too.
  expect(summary.generator.workers.length).toBe(summary.meta.workers);
  expect(summary.generator.limits).toEqual({ cpu: 0.9, eventLoopDelayMs: 50 });
});

it("a concurrency sweep keeps the server's figures per stage", async () => {
  const out = join(dir, 'sweep');
  const r = await runFixture('llm/one-chat.ts', { host: mock.url, concurrency: [1, 3], maxTimePerStage: '2s', warmup: '500ms', out, serverMetrics: [`${mock.url}/metrics`] });
  expect(r.exitCode).toBe(0);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  const stages = summary.stages.map((s: { name: string }) => s.name);
  expect(Object.keys(summary.server.perStage)).toEqual(stages);
  // The server never runs more requests than the stage's users send.
  const [one, three] = stages.map((n: string) => summary.server.perStage[n].requests_running.max);
  expect(one).toBeLessThanOrEqual(1);
  expect(three).toBeLessThanOrEqual(3);
  expect(three).toBeGreaterThanOrEqual(1);
});
