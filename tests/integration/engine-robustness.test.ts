/**
 * Runs that must end, and end with the right code: user classes checked before
 * the run, users that stop themselves, tag filters on task sets, a worker or a
 * load model that fails during the run, and --max-error-rate.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, UserError } from '../../src/errors.js';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import { runFixture, runFixtureError } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
let tmp: string;
beforeAll(async () => {
  target = await startTargetServer();
  tmp = mkdtempSync(join(tmpdir(), 'volley-robust-'));
});
afterAll(async () => {
  await target.close();
  rmSync(tmp, { recursive: true, force: true });
});

const requestsOf = (s: RunSummary, name: string) => s.endpoints.find((e) => e.name === name)?.requests ?? 0;

describe('user classes are checked before the run', { timeout: 20_000 }, () => {
  it('a constructor that throws is a user error naming the class and the message, not a dead worker', async () => {
    const err = await runFixtureError('robustness/bad-constructor.ts', { users: 2, workers: 2, duration: '5s', host: target.url });
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('Shopper: creating a user failed: between(2, 1): expected 0 <= min <= max seconds');
    expect(err.hint).toBe('fix the constructor or the field initializers of Shopper');
    expect(target.hits.get('GET /items') ?? 0).toBe(0);
  });

  it('a constructor that throws only later fails those users, and the run ends when none is left', async () => {
    const r = await runFixture('robustness/flaky-constructor.ts', { users: 4, workers: 2, iterations: 10, host: target.url });
    expect(r.summary.meta.stopReason).toBe('all users stopped');
    // Not requests: task errors, with where the scenario threw.
    expect(r.summary.endpoints).toEqual([]);
    expect(r.summary.tasks).toEqual([{ name: 'Flaky.constructor', runs: 0, errors: 4 }]);
    expect(r.summary.errors).toEqual([expect.objectContaining({ method: 'TASK', name: 'Flaky.constructor', message: 'out of test accounts', count: 4, location: expect.stringMatching(/flaky-constructor\.ts:\d+$/) })]);
    expect(r.exitCode).toBe(ExitCode.RequestsFailed);
  });

  it('negative or non-numeric weights and fixedCounts: every bad class named at once', async () => {
    const err = await runFixtureError('robustness/bad-weights.ts', { users: 4, host: target.url });
    expect(err).toBeInstanceOf(UserError);
    expect(err.message.split('\n')).toEqual([
      'the user classes have 3 problems:',
      '  - Fractional: static fixedCount must be a whole number >= 0, got 1.5',
      '  - Negative: static weight must be a number >= 0, got -1',
      '  - Wordy: static weight must be a number >= 0, got "lots"',
    ]);
  });

  it('a task weight of -1 or NaN names the class and the task, not the top-level code', async () => {
    const err = await runFixtureError('robustness/bad-task-weights.ts', { users: 3, host: target.url });
    expect(err).toBeInstanceOf(UserError);
    const lines = err.message.split('\n');
    expect(lines[0]).toBe('the user classes have 3 problems:');
    expect(lines).toHaveLength(4);
    expect(err.message).not.toContain('top-level');
    expect(lines.slice(1)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ {2}- `@task\(-1\)` on Shopper\.browse: a task weight must be a finite number >= 0 \(give it a weight/),
      expect.stringMatching(/^ {2}- `@task\(NaN\)` on Reader\.read: a task weight must be a finite number >= 0/),
      expect.stringMatching(/^ {2}- static tasks of Mapped gives look the weight -2: a task weight must be a finite number >= 0/),
    ]));
  });

  it('an HttpUser or LLMUser with no host and no --host; a plain User needs none', async () => {
    const http = await runFixtureError('robustness/no-host.ts', { users: 2, duration: '5s' });
    expect(http).toBeInstanceOf(UserError);
    expect(http.message).toBe("Shopper has no host: set `host = 'http://…'` on the class or pass --host");
    const llm = await runFixtureError('robustness/no-host-llm.ts', { users: 2, duration: '5s' });
    expect(llm.message).toBe("Chat has no host: set `host = 'http://…'` on the class or pass --host");
    // With --host, both classes run; the plain User without a host too.
    const r = await runFixture('robustness/no-host.ts', { users: 2, workers: 1, iterations: 20, host: target.url });
    expect(r.summary.meta.stopReason).toBe('iterations done');
    expect(r.summary.tasks.map((t) => t.name).sort()).toEqual(['browse', 'tick']);
  });

  it('tags that leave a class with no task: a user error naming the class and the tags', async () => {
    const err = await runFixtureError('tagged.ts', { users: 2, iterations: 5, tags: 'nothing', excludeTags: 'slow', host: target.url });
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('--tags nothing and --exclude-tags slow leave Tagged with no task to run');
    expect(err.hint).toBe("the tags on Tagged's tasks: browse, checkout, slow");
    const all = await runFixtureError('robustness/tagged-classes.ts', { users: 2, iterations: 5, tags: 'nothing', host: target.url });
    expect(all.message).toBe('--tags nothing leaves Buyer, Looker with no task to run');
    expect(all.hint).toBe('the tags on their tasks: checkout');
  });

  it('tags that leave only some classes with no task: those run no user, with a warning, and the run ends', async () => {
    const closed = await runFixture('robustness/tagged-classes.ts', { users: 4, workers: 2, iterations: 20, tags: 'checkout', host: target.url });
    expect(closed.stderr).toContain('warning: --tags checkout leaves Looker with no task to run: no user of it runs');
    expect(closed.summary.meta.stopReason).toBe('iterations done');
    expect(closed.summary.counters).toEqual({ 'users.Buyer': 4 });
    expect(closed.summary.tasks).toEqual([{ name: 'buy', runs: 20, errors: 0 }]);
    // An open model picks its users among the classes that have a task too.
    const open = await runFixture('robustness/tagged-classes.ts', { rate: '50/s', workers: 1, iterations: 10, tags: 'checkout', host: target.url });
    expect(open.summary.meta.stopReason).toBe('iterations done');
    expect(open.summary.tasks).toEqual([{ name: 'buy', runs: 10, errors: 0 }]);
    expect(open.summary.counters['users.Looker']).toBeUndefined();
  });
});

describe('users that stop themselves', { timeout: 20_000 }, () => {
  it('--iterations without -t ends when every user stopped with StopUser', async () => {
    const r = await runFixture('stop-user.ts', { users: 2, iterations: 10, host: target.url });
    expect(r.summary.meta.stopReason).toBe('all users stopped');
    expect(r.summary.total.requests).toBe(2);
    expect(r.summary.counters.onStop).toBe(2);
    expect(r.exitCode).toBe(ExitCode.Success);
  });

  it('the same with a spawn rate: stopped users are not replaced, and the run ends once none is left', async () => {
    const r = await runFixture('stop-user.ts', { users: 3, spawnRate: 10, workers: 2, iterations: 100, host: target.url });
    expect(r.summary.meta.stopReason).toBe('all users stopped');
    // A user that stopped itself keeps its place: the ramp does not start a replacement.
    expect(r.summary.counters.onStop).toBe(3);
    expect(r.summary.total.requests).toBe(3);
  });
});

describe('tags on task sets', { timeout: 20_000 }, () => {
  it('--tags given to a task set with @tag runs the set’s tasks (it used to stop every user)', async () => {
    const r = await runFixture('robustness/tagged-sets.ts', { users: 2, workers: 1, iterations: 40, tags: 'cart', host: target.url });
    expect(r.summary.meta.stopReason).toBe('iterations done');
    expect(r.summary.tasks.reduce((a, t) => a + t.runs, 0)).toBe(40);
    expect(requestsOf(r.summary, 'cart add')).toBeGreaterThan(0);
    expect(requestsOf(r.summary, 'home') + requestsOf(r.summary, 'item')).toBe(0);
  });

  it('--exclude-tags that empties a task set leaves the set out; the user runs its other tasks', async () => {
    const r = await runFixture('robustness/tagged-sets.ts', { users: 2, workers: 1, iterations: 40, excludeTags: 'browse', host: target.url });
    expect(r.summary.meta.stopReason).toBe('iterations done');
    expect(r.summary.tasks.map((t) => t.name)).not.toContain('Browse');
    expect(requestsOf(r.summary, 'item')).toBe(0);
    expect(requestsOf(r.summary, 'home')).toBeGreaterThan(0);
    const both = await runFixture('robustness/tagged-sets.ts', { users: 2, workers: 1, iterations: 20, excludeTags: 'browse,cart', host: target.url });
    expect(both.summary.meta.stopReason).toBe('iterations done');
    expect(requestsOf(both.summary, 'home')).toBe(20);
  });
});

describe('failures of Volley’s own during the run', { timeout: 30_000 }, () => {
  it('a worker that dies: the run stops with the others’ figures, exit 70, summary written', async () => {
    const out = join(tmp, 'crash');
    const r = await runFixture('robustness/worker-crash.ts', { users: 4, workers: 2, duration: '60s', host: target.url, out });
    expect(r.exitCode).toBe(ExitCode.InternalError);
    expect(r.stderr).toContain('internal error: worker 0 died: boom outside any task');
    expect(r.summary.meta.stopReason).toBe('worker 0 died: boom outside any task');
    const written = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(written.meta.exitCode).toBe(ExitCode.InternalError);
    expect(written.total.requests).toBeGreaterThan(0);
  });

  it('a load model that throws: exit 70 with the message, summary written', async () => {
    const r = await runFixture('robustness/broken-shape.ts', { workers: 1, duration: '60s', host: target.url });
    expect(r.exitCode).toBe(ExitCode.InternalError);
    expect(r.summary.meta.stopReason).toMatch(/^load model failed: shape broke at \d+ s$/);
    expect(r.stderr).toMatch(/internal error: load model failed: shape broke at \d+ s/);
    expect(r.summary.total.requests).toBeGreaterThan(0);
  });
});

describe('--max-error-rate', { timeout: 30_000 }, () => {
  it('stops a run whose error rate exceeds it (HTTP 500s): stop reason with both rates, exit 1', async () => {
    const r = await runFixture('robustness/failing.ts', { users: 2, workers: 1, duration: '60s', maxErrorRate: 0.2, host: target.url });
    expect(r.summary.meta.stopReason).toMatch(/^error rate (\d+(\.\d)?)% exceeded --max-error-rate 20%$/);
    const rate = Number(/^error rate ([\d.]+)%/.exec(r.summary.meta.stopReason)![1]);
    expect(rate).toBeGreaterThan(20);
    expect(r.exitCode).toBe(ExitCode.RequestsFailed);
  });

  it('lets a run whose error rate stays under it finish', async () => {
    const r = await runFixture('robustness/failing.ts', { users: 2, workers: 1, iterations: 200, maxErrorRate: 0.9, host: target.url });
    expect(r.summary.meta.stopReason).toBe('iterations done');
    expect(r.summary.total.requests).toBe(200);
  });

  it('waits for 20 requests before judging', async () => {
    // Every one of these 19 requests fails, over about 3 s of ticks, yet the run is not stopped early.
    const r = await runFixture('robustness/failing-slowly.ts', { users: 1, workers: 1, iterations: 19, maxErrorRate: 0, host: target.url });
    expect(r.summary.meta.stopReason).toBe('iterations done');
    expect(r.summary.total.failures).toBe(19);
    expect(r.summary.history.length).toBeGreaterThanOrEqual(2);
  });

  it('stops an LLM run against the mock server injecting errors', async () => {
    const r = await runFixture('robustness/llm-errors.ts', { users: 4, workers: 1, duration: '60s', maxErrorRate: 0.25 });
    expect(r.summary.meta.stopReason).toMatch(/^error rate \d+(\.\d)?% exceeded --max-error-rate 25%$/);
    expect(r.summary.llm?.failures).toBeGreaterThan(0);
    expect(r.exitCode).toBe(ExitCode.RequestsFailed);
  });
});
