/**
 * Streams still running when the run stops keep what was measured: their first
 * token came, so their TTFT counts, and so do the tokens that arrived.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { runFixture } from '../helpers/run-fixture.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, ttftMs: 100, itlMs: 20 });
});
afterAll(() => mock.close());

it('records the TTFT and tokens so far of streams aborted by the stop', async () => {
  const r = await runFixture('llm/long-stream.ts', { host: mock.url, users: 5, workers: 1, duration: '1500ms', stopTimeout: '200ms' });
  const llm = r.summary.llm!;
  expect(r.summary.total.aborted).toBe(5);
  expect(llm.ttftMs.count).toBe(5);
  expect(llm.outputTokens).toBeGreaterThan(0);
  expect(r.summary.counters['llm.cut_short']).toBe(5);
  expect(r.summary.counters['llm.errors.aborted']).toBe(5);
});
