/**
 * Settings that cannot hold are said, on stderr and in summary.json's warnings:
 * fixedCount above the run's users, a pacing interval shorter than the task.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runFixture } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(() => target.close());

it('warns when fixedCount is larger than -u', async () => {
  const r = await runFixture('fixed-many.ts', { host: target.url, users: 2, workers: 1, iterations: 4 });
  const message = 'fixedCount asks for 5 users (Admin 5), more than the 2 users of the run: the fixed classes get 2 in all and the other classes none; raise --users or lower fixedCount';
  expect(r.stderr).toContain(`warning: ${message}`);
  expect(r.summary.warnings).toContain(message);
});

it('warns once when a task outlasts its constantPacing interval', async () => {
  const r = await runFixture('paced-slow.ts', { host: target.url, users: 2, workers: 2, iterations: 4 });
  const message = 'Pacer: a task took longer than its pacing interval of 0.05 s (constantPacing/constantThroughput): tasks run back to back, fewer per second than the pacing asks; lengthen the interval or add users';
  expect(r.summary.warnings).toContain(message);
  expect(r.stderr.split(message).length - 1).toBe(1);
});
