/**
 * The capacity flags through the `bench` binary: the search's answer on
 * stderr and in summary.json, and a bad --slo as a user error (exit 2).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBench } from '../helpers/bench-process.js';
import { SCENARIOS } from '../helpers/run-fixture.js';
import { startCappedServer, type CappedServer } from '../helpers/capped-server.js';
import type { RunSummary } from '../../src/metrics/summary-types.js';

let target: CappedServer;
let dir: string;
beforeAll(async () => {
  target = await startCappedServer({ concurrency: 4, serviceMs: 100 });
  dir = mkdtempSync(join(tmpdir(), 'volley-capacity-'));
});
afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

const scenario = join(SCENARIOS, 'capacity/get.ts');

describe('bench run --find-capacity', () => {
  it('prints the answer and writes summary.capacity', async () => {
    const out = join(dir, 'found');
    const p = startBench(['run', scenario, '-H', target.url, '-w', '1', '--find-capacity', '--slo', 'http.p99<300ms,errors<1%', '--start-rate', '10/s', '--max-rate', '20/s', '--step-time', '1s', '--step-warmup', '250ms', '--out', out]);
    expect(await p.exited).toBe(0);
    // 10/s and 20/s are both well below the 40/s the server sustains: the highest level searched passes.
    expect(p.stderr()).toMatch(/^capacity step 2 at 20\/s: passed; /m);
    expect(p.stderr()).toContain('capacity is at least 20/s: the highest level searched met every objective');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.capacity).toMatchObject({ value: 20, unit: 'requests/s', by: 'rate', outcome: 'max-reached', lastPass: 20, firstFail: null, objectives: ['http.p99<300ms', 'errors<1%'] });
    expect(summary.capacity!.steps.map((s) => [s.level, s.passed, s.saturated])).toEqual([[10, true, false], [20, true, false]]);
    expect(Object.keys(summary.capacity!.steps[0]!.figures)).toEqual(['http.p99<300ms', 'errors<1%']);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Capacity search');
  }, 60_000);

  it('exits 2 naming --slo when an objective is not one', async () => {
    const p = startBench(['run', scenario, '-H', target.url, '--find-capacity', '--slo', 'http.p99<300ms,speed>3']);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(/--slo "speed>3": /);
    expect(p.stderr()).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('exits 2 when --find-capacity has no --slo, and for a bad --by', async () => {
    const p = startBench(['run', scenario, '-H', target.url, '--find-capacity']);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toContain('--find-capacity needs --slo');
    const q = startBench(['run', scenario, '-H', target.url, '--find-capacity', '--by', 'tokens', '--slo', 'http.p99<1s']);
    expect(await q.exited).toBe(2);
    expect(q.stderr()).toMatch(/--by/);
  }, 30_000);
});
