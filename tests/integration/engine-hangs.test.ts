/**
 * Runs that must end however the scenario or the server hangs (issue 11,
 * issue 18 "lifecycles that never end"): a worker blocked by a task, tasks and
 * hooks awaiting promises that never settle, a server that never answers, a
 * worker that reads the stop late. Short -t and stop timeouts; counts, codes,
 * files and stop reasons, never durations.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, UserError } from '../../src/errors.js';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import { runFixture, runFixtureError } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
let silent: Server;
let silentUrl: string;
const sockets = new Set<Socket>();
let tmp: string;
beforeAll(async () => {
  target = await startTargetServer();
  // Accepts connections and never answers: a dead server that still listens.
  silent = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  tmp = mkdtempSync(join(tmpdir(), 'volley-hangs-'));
});
afterAll(async () => {
  await target.close();
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

const readSummary = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
const FILES = ['summary.json', 'report.html', 'stats.csv', 'history.csv', 'failures.csv', 'junit.xml'];

describe('a worker blocked by a task', { timeout: 60_000 }, () => {
  it('is shown blocked, then terminated at the stop; the run keeps the others’ figures, names the worker and task, writes every file, exits 70', async () => {
    const out = join(tmp, 'blocked');
    const r = await runFixture('hangs/blocking-task.ts', { users: 4, workers: 2, duration: '2s', stopTimeout: '1s', host: target.url, out });
    expect(r.exitCode).toBe(ExitCode.InternalError);
    expect(r.stderr).toMatch(/warning: worker 0 is blocked: its event loop has not turned for 1s \(running: Spinner\.spin/);
    // Named with where the task is written, from the bundle's source map.
    expect(r.stderr).toMatch(/internal error: worker 0 did not stop within --stop-timeout 1s and was terminated: its thread had been blocked for \d+s; running: Spinner\.spin \(tests\/fixtures\/scenarios\/hangs\/blocking-task\.ts:8\)/);
    for (const f of FILES) expect(existsSync(join(out, f)), f).toBe(true);
    const s = readSummary(out);
    expect(s.meta.exitCode).toBe(ExitCode.InternalError);
    expect(s.meta.timedOut).toEqual([expect.stringMatching(/^worker 0 at the stop \(running: Spinner\.spin/)]);
    // Worker 1's users kept going: their requests are in the results.
    expect(s.total.requests).toBeGreaterThan(1);
  });
});

describe('tasks and hooks that never settle', { timeout: 60_000 }, () => {
  it('a task awaiting a promise that never settles is counted as aborted at the stop, under its name', async () => {
    const r = await runFixture('hangs/never-settles.ts', { users: 3, workers: 1, duration: '1s', stopTimeout: '500ms', host: target.url });
    expect(r.summary.endpoints.find((e) => e.method === 'TASK' && e.name === 'wait')).toMatchObject({ aborted: 3, failures: 0 });
    expect(r.summary.meta.abortedAtStop).toBe(3);
    // The requests before the wait completed: the run did something, and passes.
    expect(r.summary.total.requests).toBe(3);
    expect(r.exitCode).toBe(ExitCode.Success);
  });

  it('an onStart that never settles is reported, counted as a task error, and fails the run', async () => {
    const before = target.hits.get('GET /items') ?? 0;
    const r = await runFixture('hangs/hanging-on-start.ts', { users: 2, workers: 1, duration: '2s', lifecycleTimeout: '500ms', host: target.url });
    expect(r.stderr).toContain('warning: Stuck.onStart() did not settle within 500ms (--lifecycle-timeout)');
    expect(r.summary.meta.timedOut).toEqual(['Stuck.onStart() after 500ms']);
    // A task error, not a request (docs/scenarios.md#what-counts-as-a-failure).
    expect(r.summary.tasks.find((t) => t.name === 'Stuck.onStart')).toMatchObject({ errors: 2 });
    expect(r.summary.errors.find((e) => e.name === 'Stuck.onStart')).toMatchObject({ method: 'TASK', count: 2 });
    expect((target.hits.get('GET /items') ?? 0) - before).toBe(0);
    expect(r.exitCode).toBe(ExitCode.RequestsFailed);
  });

  it('an onStart still pending at the stop is aborted there: nothing completed, the run fails', async () => {
    const r = await runFixture('hangs/hanging-on-start.ts', { users: 2, workers: 1, duration: '1s', stopTimeout: '200ms', host: target.url });
    expect(r.summary.endpoints.find((e) => e.name === 'Stuck.onStart')).toMatchObject({ aborted: 2 });
    expect(r.summary.meta.stopReason).toBe('duration reached; no request completed (2 aborted at the stop)');
    expect(r.exitCode).toBe(ExitCode.RequestsFailed);
  });

  it('setup() that never settles is a user error naming --lifecycle-timeout', async () => {
    const err = await runFixtureError('hangs/hanging-setup.ts', { users: 1, workers: 1, duration: '1s', lifecycleTimeout: '500ms', host: target.url });
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('setup() did not finish within 500ms (--lifecycle-timeout)');
  });

  it('teardown() that never settles: every file is written before it runs, then the timeout is reported in them', async () => {
    const out = join(tmp, 'teardown');
    const started = join(tmp, 'teardown-started.json');
    process.env.VOLLEY_TEARDOWN_STARTED = started;
    process.env.VOLLEY_OUT_DIR = out;
    try {
      const r = await runFixture('hangs/hanging-teardown.ts', { users: 1, workers: 1, duration: '1s', lifecycleTimeout: '500ms', host: target.url, out });
      expect(JSON.parse(readFileSync(started, 'utf8'))).toEqual({ summary: true, report: true });
      expect(r.stderr).toContain('warning: teardown() did not finish within 500ms (--lifecycle-timeout)');
      expect(readSummary(out).meta.timedOut).toEqual(['teardown() after 500ms']);
      expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('teardown() after 500ms');
      expect(r.exitCode).toBe(ExitCode.Success);
    } finally {
      delete process.env.VOLLEY_TEARDOWN_STARTED;
      delete process.env.VOLLEY_OUT_DIR;
    }
  });

  it('a top-level await says what the tool is waiting for', async () => {
    const r = await runFixture('hangs/top-level-await.ts', { users: 1, workers: 1, duration: '1s', host: target.url });
    expect(r.stderr).toContain('loading the scenario… (its top-level code is still running, 3s)');
    expect(r.exitCode).toBe(ExitCode.Success);
  });
});

describe('verdicts', { timeout: 60_000 }, () => {
  it('a server that never answers fails the run: nothing completed, the aborted requests counted, exit 1 even with --exit-code-on-error 0', async () => {
    const out = join(tmp, 'dead');
    const r = await runFixture('hangs/plain-get.ts', { users: 2, workers: 1, duration: '1s', stopTimeout: '300ms', host: silentUrl, out, exitCodeOnError: 0 });
    expect(r.exitCode).toBe(ExitCode.RequestsFailed);
    const s = readSummary(out);
    expect(s.meta.stopReason).toBe('duration reached; no request completed (2 aborted at the stop)');
    expect(s.meta.abortedAtStop).toBe(2);
    expect(s.meta.exitCode).toBe(ExitCode.RequestsFailed);
    expect(s.total).toMatchObject({ requests: 0, aborted: 2 });
    expect(r.stdout).toContain('2 requests were still in flight at the end and were aborted');
    expect(r.stderr).toContain('failed: no request completed; 2 were still in flight at the stop and aborted');
  });
});

describe('the end of the run holds', { timeout: 60_000 }, () => {
  it('a worker that reads the stop late starts no task after -t: the server sees one request', async () => {
    const before = target.hits.get('GET /items') ?? 0;
    const r = await runFixture('hangs/late-stop.ts', { users: 1, workers: 1, duration: '1s', host: target.url });
    expect((target.hits.get('GET /items') ?? 0) - before).toBe(1);
    expect(r.summary.total.requests).toBe(1);
    expect(r.summary.meta.stopReason).toBe('duration reached');
  });
});
