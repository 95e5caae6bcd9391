/** --paused: the run gets ready, waits for SIGUSR1, then runs as usual (issue 6: starting a fleet together). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBench } from '../helpers/bench-process.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

describe('bench run --paused', () => {
  const out = mkdtempSync(join(tmpdir(), 'volley-paused-'));
  let target: TargetServer | undefined;
  afterAll(async () => {
    await target?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('sends no request before SIGUSR1, then runs the plan', async () => {
    target = await startTargetServer();
    const bench = startBench(['run', 'tests/fixtures/scenarios/shop.ts', '-u', '2', '--iterations', '20', '-H', target.url, '--paused', '--out', out]);
    await bench.waitForStderr(/paused: workers are ready/);
    expect([...target.hits.values()].reduce((a, b) => a + b, 0)).toBe(0);
    bench.child.kill('SIGUSR1');
    const code = await bench.exited;
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { tasks: Array<{ runs: number }>; total: { failures: number } };
    expect(code).toBe(summary.total.failures > 0 ? 1 : 0); // 1 when the fixture's Visitor (a 404 route) gets a user
    expect(summary.tasks.reduce((a, t) => a + t.runs, 0)).toBe(20);
  });
});
