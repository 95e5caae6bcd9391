/**
 * `bench run` with chat and embeddings against the built-in mock: summary.json
 * has the LLM figures per request name and user class, and thresholds on one
 * name decide the exit code. Counts and exit codes, not timings.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { bench } from '../helpers/bench-process.js';
import { SCENARIOS } from '../helpers/run-fixture.js';

let mock: MockServer;
let tmp: string;

beforeAll(async () => {
  mock = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1 });
  tmp = mkdtempSync(join(tmpdir(), 'volley-llm-names-e2e-'));
});

afterAll(async () => {
  await mock.close();
  rmSync(tmp, { recursive: true, force: true });
});

const run = (out: string, thresholds: string[]) =>
  bench(['run', join(SCENARIOS, 'llm/chat-and-embeddings.ts'), '-u', '2', '-w', '1', '--iterations-per-user', '2', '-H', mock.url, '--out', out, ...thresholds.flatMap((t) => ['--threshold', t])]);

it('writes llm.byName and llm.byClass, and passes thresholds on a name and a class', async () => {
  const out = join(tmp, 'pass');
  const r = await run(out, ['llm["/v1/embeddings"].e2e.p95<60s', 'llm["/v1/chat/completions"].ttft.p99<60s', 'llm_class["Embedder"].errors.rate<1%']);
  expect(r.stderr).not.toMatch(/error|warning/);
  expect(r.code).toBe(0);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
  expect(Object.fromEntries(Object.entries(s.llm!.byName!).map(([k, g]) => [k, [g.requests, g.e2eMs.count, g.ttftMs.count]]))).toEqual({
    '/v1/chat/completions': [2, 2, 2],
    '/v1/embeddings': [2, 2, 0],
    docs: [2, 2, 0],
  });
  expect(Object.fromEntries(Object.entries(s.llm!.byClass!).map(([k, g]) => [k, g.requests]))).toEqual({ Chatter: 4, Embedder: 2 });
  expect(s.llm!.e2eMs.count).toBe(2);
  expect(s.thresholds!.map((t) => t.ok)).toEqual([true, true, true]);
  expect(s.thresholds![0]!.value).toBeGreaterThan(0);
});

it('fails a threshold on a name the run does not have, naming the names it has, with the thresholds exit code', async () => {
  const out = join(tmp, 'fail');
  const r = await run(out, ['llm["/v1/embedings"].e2e.p95<60s']);
  expect(r.code).toBe(99);
  expect(r.stdout).toContain('no LLM request name "/v1/embedings"; the run\'s: "/v1/chat/completions", "/v1/embeddings", "docs"');
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
  expect(s.thresholds).toEqual([expect.objectContaining({ expression: 'llm["/v1/embedings"].e2e.p95<60s', ok: false, value: null })]);
});

it('refuses a malformed per-name threshold before the run with exit 2', async () => {
  const r = await run(join(tmp, 'bad'), ['llm_class.ttft.p95<1s']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('llm_class needs a name in brackets, e.g. llm_class["Chatter"]');
});
