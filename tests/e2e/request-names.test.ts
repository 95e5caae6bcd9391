/**
 * Issue 17: a URL with an id in it and no `name` makes every request a name of
 * its own. The run must survive it (bounded memory, exact totals) and tell the
 * user the fix.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import { bench } from '../helpers/bench-process.js';
import { SCENARIOS } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

const REQUESTS = 3000;
const MAX_NAMES = 100;

describe('unique paths without a name', () => {
  let target: TargetServer;
  let out: string;
  let run: Awaited<ReturnType<typeof bench>>;
  let summary: RunSummary;
  beforeAll(async () => {
    target = await startTargetServer();
    out = mkdtempSync(join(tmpdir(), 'volley-names-'));
    // --iterations bounds the load; -t only guards against a hang.
    run = await bench(['run', join(SCENARIOS, 'unique-paths.ts'), '-u', '4', '-w', '2', '--iterations', String(REQUESTS), '-t', '60s', '--max-names', String(MAX_NAMES), '-H', target.url, '--out', out]);
    summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
  }, 90_000);
  afterAll(async () => {
    await target.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('counts every request the server saw, exactly, in the totals', () => {
    expect(run.code).toBe(0);
    const served = [...target.hits].filter(([k]) => k.startsWith('GET /items/')).reduce((n, [, c]) => n + c, 0);
    expect(served).toBe(REQUESTS);
    expect(summary.total.requests).toBe(REQUESTS);
    expect(summary.endpoints.reduce((n, e) => n + e.requests, 0)).toBe(REQUESTS);
    expect(summary.checks.reduce((n, c) => n + c.passes, 0)).toBe(REQUESTS);
  });

  it('lists at most --max-names names and folds the rest into "(other names)"', () => {
    const folded = summary.endpoints.filter((e) => e.name === '(other names)');
    expect(folded.map((e) => e.method)).toEqual(['GET']);
    expect(folded[0]!.requests).toBe(REQUESTS - MAX_NAMES);
    expect(summary.endpoints).toHaveLength(MAX_NAMES + 1);
    expect(summary.checks).toHaveLength(MAX_NAMES + 1);
    expect(summary.checks.find((c) => c.name === '(other checks)')?.passes).toBe(REQUESTS - MAX_NAMES);
    const csv = readFileSync(join(out, 'stats.csv'), 'utf8').trim().split('\n');
    // Header, the names, the folded row, Aggregated.
    expect(csv).toHaveLength(MAX_NAMES + 3);
    expect(csv.some((l) => l.includes('(other names)'))).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('(other names)');
    expect(html).toContain('class="names-warning"');
  });

  it('holds a few full histograms, not one per name (the engine counts them)', () => {
    expect(summary.names).toMatchObject({ distinct: MAX_NAMES, maxNames: MAX_NAMES, foldedRequests: REQUESTS - MAX_NAMES });
    // One per name would be 3000 here (and 95 KB each); sparse ones hold a few buckets.
    expect(summary.names!.fullHistograms).toBeLessThanOrEqual(2);
    expect(summary.names!.workerFullHistogramsPeak).toBeLessThanOrEqual(2);
  });

  it('warns live, in the final output and in summary.json, naming the fix and the pattern', () => {
    const w = summary.names!.warning!;
    expect(w.patterns).toEqual(['/items/[id]']);
    expect(w.examples).toHaveLength(3);
    for (const e of w.examples) expect(e).toMatch(/^GET \/items\/\d+$/);
    expect(run.stderr).toContain("warning: ");
    expect(run.stderr).toContain("this.client.get(url, { name: '/items/[id]' })");
    expect(run.stdout).toContain("this.client.get(url, { name: '/items/[id]' })");
    expect(run.stdout).toContain('(other names)');
  });
});
