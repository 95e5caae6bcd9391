/**
 * A sweep's --max-requests-per-stage holds in the workers: a stage of
 * one-request tasks makes exactly its cap, whatever the concurrency, and the
 * last stage's requests are in the stages and the totals like the others'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFixture } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(() => target.close());

describe('sweep with --max-requests-per-stage', () => {
  it('stops every stage at the cap and counts the last stage in stages and total', async () => {
    target.hits.clear();
    // one-task.ts: one GET per task and no wait, so without a cap in the workers a stage overshoots by a snapshot's worth.
    const r = await runFixture('distributed/one-task.ts', { concurrency: [1, 4, 16], maxRequestsPerStage: 5, workers: 2, host: target.url });
    expect(r.exitCode).toBe(0);
    expect(r.summary.meta.stopReason).toBe('sweep finished');
    expect(r.summary.stages?.map((s) => [s.name, s.total.requests])).toEqual([
      ['c=1', 5],
      ['c=4', 5],
      ['c=16', 5],
    ]);
    expect(r.summary.total.requests).toBe(15);
    expect(r.summary.tasks.reduce((a, t) => a + t.runs, 0)).toBe(15);
    expect([...target.hits.values()].reduce((a, n) => a + n, 0)).toBe(15);
    expect(r.stderr).toMatch(/^volley: running .* with 16 users on 2 workers/m);
  }, 60_000);
});
