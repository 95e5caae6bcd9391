import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/summary-types.js';
import { bench } from '../../helpers/bench-process.js';
import { startTargetServer, type TargetServer } from '../../helpers/target-server.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/scenarios/distributed/${name}`, import.meta.url));
const read = (dir: string): RunSummary & { meta: { instances?: Array<{ segment?: string }> } } => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));

describe('bench merge, setup, k8s and run --segment from the command line', () => {
  let target: TargetServer;
  let dir: string;
  beforeAll(async () => {
    target = await startTargetServer();
    dir = mkdtempSync(join(tmpdir(), 'volley-fleet-cli-'));
  });
  afterAll(async () => {
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a bad --segment, --start-at or --live before the run, with exit 2', async () => {
    const r = await bench(['run', fixture('one-task.ts'), '--segment', '0/4', '--start-at', 'soon', '--live', 'redis://h:6379', '-H', target.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--segment: segments are numbered from 1 to 4/);
    expect(r.stderr).toMatch(/--start-at: expected an ISO 8601 time/);
    expect(r.stderr).toMatch(/--live: the URL names no run id/);
  });

  it('merges the results of several processes into one summary with reports', async () => {
    const dirs = [join(dir, 'a'), join(dir, 'b')];
    for (const [i, d] of dirs.entries()) {
      const r = await bench(['run', fixture('one-task.ts'), '-u', '2', '--iterations', String(100 + i * 50), '-w', '1', '-H', target.url, '--out', d, '--headless']);
      expect(r.code, r.stderr).toBe(0);
    }
    const m = await bench(['merge', ...dirs, '--out', join(dir, 'all')]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/GET\s+\/items/);
    const merged = read(join(dir, 'all'));
    expect(merged.total.requests).toBe(250);
    expect(merged.meta.instances).toHaveLength(2);
    for (const f of ['report.html', 'stats.csv', 'history.csv', 'junit.xml']) expect(existsSync(join(dir, 'all', f)), f).toBe(true);

    const bad = await bench(['merge', dirs[0]!, join(dir, 'missing'), '--out', join(dir, 'x')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/cannot read .*missing: no such file/);
  });

  it('runs setup() once into a file', async () => {
    const out = join(dir, 'setup.json');
    const r = await bench(['setup', fixture('mixed.ts'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ volleySetupData: 1, data: { token: 'abc', n: 3 } });
    const none = await bench(['setup', fixture('one-task.ts'), '--out', join(dir, 'none.json')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/exports no setup\(\) function/);
  });

  it('prints manifests, and refuses options bench run does not know', async () => {
    const r = await bench(['k8s', fixture('one-task.ts'), '--instances', '3', '-u', '30', '-t', '1m']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/completionMode: Indexed/);
    // Every pod runs with one seed, drawn when the manifests were made (random arrivals are then one schedule).
    expect(r.stdout.match(/- --seed\n\s+- "?\d+"?\n/g)).toHaveLength(1);
    const bad = await bench(['k8s', fixture('one-task.ts'), '--instances', '3', '--userz', '30']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--userz: not an option of bench run/);
  });

  it('splits one plan over --segment processes exactly as one process runs it', async () => {
    const run = (args: string[], out: string) => bench(['run', fixture('one-task.ts'), '-u', '7', '--iterations', '301', '-w', '1', '-H', target.url, '--headless', '--out', out, ...args]);
    const parts = [1, 2, 3].map((i) => join(dir, `seg${i}`));
    const results = await Promise.all(parts.map((out, i) => run(['--segment', `${i + 1}/3`], out)));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expect(parts.map((p) => read(p).meta.users)).toEqual([3, 2, 2]);
    expect(parts.map((p) => read(p).total.requests)).toEqual([101, 100, 100]);
    const whole = join(dir, 'whole');
    expect((await run([], whole)).code).toBe(0);
    const m = await bench(['merge', ...parts, '--out', join(dir, 'merged')]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).not.toMatch(/warning/);
    const merged = read(join(dir, 'merged'));
    const single = read(whole);
    expect(merged.total.requests).toBe(single.total.requests);
    expect(merged.meta.users).toBe(single.meta.users);
    expect(merged.tasks).toEqual(single.tasks);
    expect(merged.meta.instances!.map((i) => i.segment)).toEqual(['1/3', '2/3', '3/3']);

    // An instance missing: merged and marked incomplete, exit 98.
    const gap = await bench(['merge', parts[0]!, parts[2]!, '--out', join(dir, 'gap')]);
    expect(gap.code, gap.stderr).toBe(98);
    expect(gap.stderr).toMatch(/warning: the segments merged do not make up the whole plan: nothing covers 1\/3:2\/3/);
    expect(read(join(dir, 'gap')).meta.incomplete).toEqual(['nothing covers 1/3:2/3']);
  });
});
