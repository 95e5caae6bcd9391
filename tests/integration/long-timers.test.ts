/**
 * Durations past Node's timer range (2^31 ms, 24.8 days) are chained, not
 * passed to setTimeout, which would fire them after 1 ms.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runFixture } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(() => target.close());

it('-t 597h does not end the run after 1 ms: the iterations end it', async () => {
  const r = await runFixture('slow-once.ts', { host: target.url, users: 1, workers: 1, iterations: 2, duration: '597h' });
  expect(r.summary.meta.stopReason).toBe('iterations done');
  expect(r.summary.total.requests).toBe(2);
  expect(r.exitCode).toBe(0);
});

it('--stop-timeout 1000000h lets the request in flight at the stop finish instead of aborting it at once', async () => {
  const r = await runFixture('slow-once.ts', { host: target.url, users: 1, workers: 1, duration: '1s', stopTimeout: '1000000h' });
  expect(r.summary.meta.stopReason).toBe('duration reached');
  expect(r.summary.total.aborted).toBe(0);
  expect(r.summary.total.requests).toBe(1);
  expect(r.summary.total.failures).toBe(0);
});
