/**
 * The programmatic API (`volley/run`'s startRun) against a real target server
 * and real workers: snapshots, live control of users and of the arrival rate,
 * resetStats, stop, and what the summary records of them. Counts only, with
 * wide margins: the machine is shared.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun } from '../../src/run/index.js';
import type { RunHandle } from '../../src/run/handle.js';
import type { LiveSnapshot } from '../../src/metrics/live-snapshot.js';
import { ExitCode } from '../../src/errors.js';
import { captureStream, SCENARIOS } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(() => target.close());

const quiet = () => ({ stdout: captureStream(), stderr: captureStream() });
const hits = (key: string) => target.hits.get(key) ?? 0;

/** Resolves with the first snapshot that satisfies `pred` (the run's end rejects). */
function snapshotWhere(run: RunHandle, pred: (s: LiveSnapshot) => boolean): Promise<LiveSnapshot> {
  return new Promise((res, rej) => {
    const off = run.onSnapshot((s) => {
      if (pred(s)) {
        off();
        res(s);
      }
    });
    void run.done.then(() => rej(new Error(`the run ended first: ${run.lastSnapshot?.elapsedMs} ms, ${run.lastSnapshot?.users} users`)), rej);
  });
}

describe('startRun', () => {
  it('closed model: snapshots, setUsers 2 → 5 starts 3 more users, resetStats, stop → done with the actions', async () => {
    target.hits.clear();
    const out = mkdtempSync(join(tmpdir(), 'volley-run-api-'));
    const run = await startRun(
      { scenario: resolve(SCENARIOS, 'live-control.ts'), options: { headless: true, seed: 1, users: 2, workers: 1, duration: '5s', snapshotInterval: '250ms', host: target.url, out } },
      quiet(),
    );
    expect(['starting', 'running']).toContain(run.state);
    const iterated = run.snapshots()[Symbol.asyncIterator]();
    const first = await iterated.next();
    expect(first.done).toBe(false);
    expect(run.state).toBe('running');
    expect(run.lastSnapshot).toBeDefined();
    await snapshotWhere(run, (s) => s.users === 2);
    expect(hits('POST /login')).toBe(2);

    expect(() => run.setRate(10)).toThrow(/closed model/);
    expect(() => run.setUsers(-1)).toThrow(/whole number/);
    // Started at 10/s, the 3 new users keep the class mix (one class here) and each runs onStart.
    run.setUsers(5, 10);
    await snapshotWhere(run, (s) => s.users === 5);
    expect(hits('POST /login')).toBe(5);

    const before = await snapshotWhere(run, (s) => s.total.requests > 20);
    const seenAtReset = hits('GET /items') + hits('POST /login');
    run.resetStats();
    const after = await snapshotWhere(run, () => true);
    // Afresh: the totals hold only what the server saw since the reset (plus the 5 users' requests then in flight).
    expect(after.total.requests).toBeLessThanOrEqual(hits('GET /items') + hits('POST /login') - seenAtReset + 5);
    // Fewer: the extra users stop after their current task.
    run.setUsers(1);
    await snapshotWhere(run, (s) => s.users === 1);
    run.stop('enough');
    expect(run.state).toBe('stopping');
    const { exitCode, summary } = await run.done;
    expect(run.state).toBe('done');
    await iterated.return?.();
    expect(exitCode).toBe(ExitCode.Interrupted);
    expect(summary.meta.stopReason).toBe('enough');
    expect(summary.actions?.map((a) => a.action)).toEqual(['setUsers', 'resetStats', 'setUsers', 'stop']);
    // The most users run at once: the 5 set live, not -u 2.
    expect(summary.meta.users).toBe(5);
    expect(summary.actions?.[0]).toMatchObject({ users: 5, spawnRate: 10 });
    expect(summary.actions?.[3]).toMatchObject({ reason: 'enough' });
    expect(summary.actions?.every((a) => a.atMs >= 0)).toBe(true);
    // The requests of the summary are those after the reset: fewer than the server saw by what came before it.
    expect(summary.total.requests).toBeLessThanOrEqual(hits('GET /items') + hits('POST /login') - before.total.requests);
    const marks = summary.history.map((r) => r.action).filter(Boolean).join('; ');
    expect(marks).toContain('setUsers 5 @10/s');
    expect(marks).toContain('resetStats');
    expect(marks).toContain('stop');
    // Written to summary.json and history.csv's Action column.
    const written = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { actions?: Array<{ action: string }> };
    expect(written.actions?.map((a) => a.action)).toEqual(['setUsers', 'resetStats', 'setUsers', 'stop']);
    const rows = parse(readFileSync(join(out, 'history.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.Action).filter(Boolean).join('; ')).toBe(marks);
    rmSync(out, { recursive: true, force: true });
  });

  it('open model: setRate raises the arrivals the server sees; setUsers is refused', async () => {
    target.hits.clear();
    const run = await startRun(
      { scenario: resolve(SCENARIOS, 'live-control.ts'), options: { headless: true, seed: 1, rate: 10, workers: 1, duration: '5s', snapshotInterval: '250ms', host: target.url } },
      quiet(),
    );
    const s1 = await snapshotWhere(run, (s) => s.elapsedMs > 1500);
    const slow = { at: s1.elapsedMs, count: hits('GET /items') };
    expect(() => run.setUsers(3)).toThrow(/open model/);
    expect(() => run.setRate(0)).toThrow(/above 0/);
    run.setRate(60);
    const s2 = await snapshotWhere(run, (s) => s.elapsedMs > slow.at + 2000);
    const fast = { at: s2.elapsedMs, count: hits('GET /items') };
    // The snapshots' rate asked for follows setRate.
    expect(s1.arrivals?.targetPerSec).toBe(10);
    expect(s2.arrivals?.targetPerSec).toBe(60);
    run.stop();
    const { summary } = await run.done;
    // Counts, not rates: the 2 s at 60/s after setRate bring the server more requests than the
    // first 1.5 s at 10/s (about 120 against 15; equal would mean the rate did not change).
    expect(fast.count - slow.count).toBeGreaterThan(slow.count);
    // No burst: never more than the higher rate for the whole run, plus a second's lead.
    expect(hits('GET /items')).toBeLessThanOrEqual(60 * (summary.meta.durationMs / 1000) + 60);
    expect(summary.actions?.map((a) => a.action)).toEqual(['setRate', 'stop']);
    expect(summary.actions?.[0]).toMatchObject({ ratePerSec: 60 });
  });

  it('a sweep: reporters get onStageEnd for each stage done, as the TUI shows them', async () => {
    const ended: string[] = [];
    const run = await startRun(
      {
        scenario: resolve(SCENARIOS, 'distributed/one-task.ts'),
        options: { headless: true, seed: 1, concurrency: [1, 2], maxRequestsPerStage: 5, workers: 1, host: target.url },
        reporters: [{ onStageEnd: (name) => void ended.push(name) }],
      },
      quiet(),
    );
    const { summary } = await run.done;
    expect(summary.stages?.map((s) => s.name)).toHaveLength(2);
    expect(ended).toEqual(summary.stages?.map((s) => s.name));
  });
});
