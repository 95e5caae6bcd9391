/**
 * Signals sent to the real `bench` binary (docs/exit-codes.md#signals): one
 * rule, a signal that cuts requests short is an interruption (130); a second
 * Ctrl-C writes every file with the in-flight requests counted as aborted; a
 * signal before the run exits cleanly; bundle folders never outlive their
 * process. The requests here take 10 s (GET /slow/10000), so they are in
 * flight whenever a signal comes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import { bench, startBench } from '../helpers/bench-process.js';
import { SCENARIOS } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
let tmp: string;
beforeAll(async () => {
  target = await startTargetServer();
  tmp = mkdtempSync(join(tmpdir(), 'volley-e2e-signals-'));
});
afterAll(async () => {
  await target.close();
  rmSync(tmp, { recursive: true, force: true });
});

const fixture = (name: string) => join(SCENARIOS, name);
const readSummary = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
const FILES = ['summary.json', 'report.html', 'stats.csv', 'history.csv', 'failures.csv', 'junit.xml'];
let outs = 0;
const outDir = () => join(tmp, `out-${++outs}`);

/** Bundle folders in the temp directory that name `pid` as their owner. */
function bundleDirsOf(pid: number): string[] {
  return readdirSync(tmpdir())
    .filter((n) => n.startsWith('volley-'))
    .map((n) => join(tmpdir(), n))
    .filter((d) => {
      try {
        return readFileSync(join(d, 'owner.pid'), 'utf8').trim() === String(pid);
      } catch {
        return false;
      }
    });
}

describe('a signal during the stop phase is an interruption', { timeout: 60_000 }, () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} just after -t ends: the in-flight requests are aborted at once, exit 130, interrupted: true`, async () => {
      const out = outDir();
      const p = startBench(['run', fixture('hangs/slow-requests.ts'), '-u', '3', '-w', '1', '-t', '1s', '--stop-timeout', '30s', '-H', target.url, '--out', out]);
      // Printed once the stop phase has waited a second for the requests in flight.
      await p.waitForStderr(/stopping \(duration reached\): waiting for requests in flight/);
      p.child.kill(signal);
      expect(await p.exited).toBe(130);
      const s = readSummary(out);
      expect(s.meta).toMatchObject({ interrupted: true, exitCode: 130, abortedAtStop: 3 });
      expect(s.meta.stopReason).toMatch(/^duration reached, then interrupted/);
      expect(s.total.aborted).toBe(3);
    });
  }
});

describe('SIGTERM with a worker blocked by a task', { timeout: 60_000 }, () => {
  it('ends the run within the stop timeout: the blocked worker is terminated, every file written, exit 70', async () => {
    const out = outDir();
    const p = startBench(['run', fixture('hangs/blocking-task.ts'), '-u', '4', '-w', '2', '-t', '10m', '--stop-timeout', '1s', '-H', target.url, '--out', out]);
    await p.waitForStderr(/warning: worker 0 is blocked/);
    p.child.kill('SIGTERM');
    // A failure of Volley's own outranks the interruption (docs/exit-codes.md).
    expect(await p.exited).toBe(70);
    expect(p.stderr()).toContain('internal error: worker 0 did not stop within --stop-timeout 1s and was terminated');
    for (const f of FILES) expect(existsSync(join(out, f)), f).toBe(true);
    const s = readSummary(out);
    expect(s.meta).toMatchObject({ interrupted: true, exitCode: 70 });
    expect(s.meta.timedOut).toEqual([expect.stringMatching(/^worker 0 at the stop/)]);
  });
});

describe('a second Ctrl-C', { timeout: 60_000 }, () => {
  it('writes every file, with the requests in flight counted as aborted', async () => {
    const out = outDir();
    const p = startBench(['run', fixture('hangs/slow-requests.ts'), '-u', '3', '-w', '1', '-t', '10m', '--stop-timeout', '30s', '-H', target.url, '--out', out]);
    // The users' requests are out once the first snapshot counts them.
    await p.waitForStderr(/\[\d+s\/10m\] users 3\/3/);
    p.child.kill('SIGINT');
    await p.waitForStderr(/stopping: finishing in-flight requests/);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(130);
    for (const f of FILES) expect(existsSync(join(out, f)), f).toBe(true);
    const s = readSummary(out);
    expect(s.meta).toMatchObject({ interrupted: true, exitCode: 130 });
    expect(s.meta.stopReason).toMatch(/^interrupted twice/);
    expect(s.total.aborted).toBe(3);
    expect(p.stdout()).toContain('3 requests were still in flight at the end and were aborted');
  });
});

describe('before the run', { timeout: 60_000 }, () => {
  it('SIGTERM while the scenario loads exits 130 with a message, nothing written, no bundle folder left', async () => {
    const out = outDir();
    const p = startBench(['run', fixture('hangs/top-level-await.ts'), '-u', '1', '-w', '1', '-t', '1s', '-H', target.url, '--out', out]);
    await p.waitForStderr(/loading the scenario… \(its top-level code is still running/);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(130);
    expect(p.stderr()).toContain('SIGTERM before the run started: exiting, nothing ran');
    expect(existsSync(out)).toBe(false);
    expect(bundleDirsOf(p.child.pid!)).toEqual([]);
  });
});

describe('bundle folders', { timeout: 60_000 }, () => {
  it('one left by a killed run (SIGKILL) is removed by the next start', async () => {
    const p = startBench(['run', fixture('hangs/slow-requests.ts'), '-u', '1', '-w', '1', '-t', '10m', '-H', target.url]);
    await p.waitForStderr(/volley: running/);
    const pid = p.child.pid!;
    expect(bundleDirsOf(pid)).toHaveLength(1);
    p.child.kill('SIGKILL');
    await p.exited;
    expect(bundleDirsOf(pid)).toHaveLength(1);
    // Any later start sweeps it, even one that ends at once with a user error.
    const r = await bench(['run', fixture('hangs/plain-get.ts'), '-H', 'http://127.0.0.1:1']);
    expect(r.code).toBe(2);
    expect(bundleDirsOf(pid)).toEqual([]);
  });

  it('only folders with an owner file of a process that is gone are removed', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const mk = (owner?: number) => {
      const d = mkdtempSync(join(tmpdir(), 'volley-'));
      writeFileSync(join(d, 'scenario.mjs'), '');
      if (owner !== undefined) writeFileSync(join(d, 'owner.pid'), String(owner));
      return d;
    };
    const stale = mk(gone);
    const alive = mk(process.pid);
    const foreign = mk();
    try {
      const r = await bench(['run', fixture('hangs/plain-get.ts'), '-H', 'http://127.0.0.1:1']);
      expect(r.code).toBe(2);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(alive)).toBe(true);
      expect(existsSync(foreign)).toBe(true);
    } finally {
      for (const d of [stale, alive, foreign]) rmSync(d, { recursive: true, force: true });
    }
  });
});


