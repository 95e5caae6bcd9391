/**
 * Lifecycle, failures and the HTTP client through `runScenario` against a real
 * server: setup/teardown, onStart/onStop, StopUser, throwing tasks,
 * catchResponse, okStatuses, name grouping, query, custom measurements, aborts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointSummary } from '../../src/metrics/summary-types.js';
import { runFixture } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
let tmp: string;
beforeAll(async () => {
  target = await startTargetServer();
  tmp = mkdtempSync(join(tmpdir(), 'volley-lifecycle-'));
});
afterAll(async () => {
  await target.close();
  rmSync(tmp, { recursive: true, force: true });
});

const endpoint = (endpoints: EndpointSummary[], method: string, name: string) => {
  const e = endpoints.find((x) => x.method === method && x.name === name);
  if (!e) throw new Error(`no endpoint ${method} ${name} in ${endpoints.map((x) => `${x.method} ${x.name}`).join(', ')}`);
  return e;
};

describe('lifecycle', () => {
  it('runs setup once, hands its result to every user as this.data, and calls onStart/onStop per user', async () => {
    const file = join(tmp, 'teardown.json');
    process.env.VOLLEY_TEARDOWN_FILE = file;
    try {
      const r = await runFixture('lifecycle.ts', { host: target.url, users: 3, workers: 2, iterations: 12 });
      expect(r.exitCode).toBe(0);
      expect(r.summary.counters).toEqual({ onStart: 3, task: 12, onStop: 3 });
      expect(r.summary.checks).toEqual([
        { name: 'setup data reached onStart', passes: 3, fails: 0 },
        { name: 'setup data reached the task', passes: 12, fails: 0 },
      ]);
      expect(JSON.parse(readFileSync(file, 'utf8')).called).toBe(true);
    } finally {
      delete process.env.VOLLEY_TEARDOWN_FILE;
    }
  });

  it('hands teardown() what setup() returned', async () => {
    const file = join(tmp, 'teardown-data.json');
    process.env.VOLLEY_TEARDOWN_FILE = file;
    try {
      await runFixture('lifecycle.ts', { host: target.url, users: 1, workers: 1, iterations: 1 });
      expect(JSON.parse(readFileSync(file, 'utf8')).data).toEqual({ token: 'abc', startedBy: 'setup' });
    } finally {
      delete process.env.VOLLEY_TEARDOWN_FILE;
    }
  });

  it('ends a user on StopUser, still calling onStop, while the run goes on', async () => {
    const r = await runFixture('stop-user.ts', { host: target.url, users: 3, workers: 2, duration: '1s' });
    expect(r.summary.tasks).toEqual([{ name: 'quit', runs: 3, errors: 0 }]);
    expect(r.summary.counters).toEqual({ onStop: 3 });
    expect(r.summary.total).toMatchObject({ requests: 3, failures: 0 });
    expect(r.summary.errors).toEqual([]);
    // Once every user has stopped itself, none is left and none will start: the run ends before -t.
    expect(r.summary.meta.stopReason).toBe('all users stopped');
  });

  it('records a task that throws as a task error under its name, with the message and where it was thrown, and the user carries on', async () => {
    const r = await runFixture('throwing-task.ts', { users: 1, workers: 1, iterations: 5 });
    expect(r.exitCode).toBe(1);
    expect(r.summary.tasks).toEqual([{ name: 'boom', runs: 5, errors: 5 }]);
    expect(r.summary.errors).toEqual([
      { method: 'TASK', name: 'boom', message: 'kaboom', count: 5, location: expect.stringMatching(/throwing-task\.ts:6$/), frames: [expect.stringMatching(/throwing-task\.ts:6:11/)] },
    ]);
    // Not a request: no TASK endpoint, no request figures.
    expect(r.summary.endpoints).toEqual([]);
    expect(r.summary.total.requests).toBe(0);
    expect(r.stdout).toMatch(/TASK\s+boom\s+kaboom\n\s+at tests\/fixtures\/scenarios\/throwing-task.ts:6\n/);
  });
});

describe('the HTTP client and custom measurements', () => {
  let r: Awaited<ReturnType<typeof runFixture>>;
  const ITER = 3;
  beforeAll(async () => {
    r = await runFixture('http-features.ts', { host: target.url, users: 1, workers: 1, iterations: ITER });
  });
  const get = (method: string, name: string) => endpoint(r.summary.endpoints, method, name);
  const errorsOf = (method: string, name: string) => r.summary.errors.filter((e) => e.method === method && e.name === name).map((e) => [e.message, e.count]);

  it('catchResponse: success() and failure(reason) override the status', () => {
    expect(get('GET', '/status/500')).toMatchObject({ requests: ITER, failures: 0 });
    expect(get('GET', '/items (caught)')).toMatchObject({ requests: ITER, failures: ITER });
    expect(errorsOf('GET', '/items (caught)')).toEqual([['wrong body', ITER]]);
  });

  it('catchResponse left undecided: the status decides', () => {
    expect(get('GET', '/status/404')).toMatchObject({ requests: ITER, failures: ITER });
    expect(errorsOf('GET', '/status/404')).toEqual([['HTTP 404', ITER]]);
  });

  it('okStatuses makes a status >= 400 a success', () => {
    expect(get('GET', '/status/404 (ok)')).toMatchObject({ requests: ITER, failures: 0 });
  });

  it('name groups requests; the default name is the path without the query string', () => {
    expect(get('GET', '/items/[id]').requests).toBe(2 * ITER);
    expect(get('GET', '/items').requests).toBe(ITER);
    expect(r.summary.endpoints.some((e) => e.name.includes('?'))).toBe(false);
  });

  it('query is encoded and appended to the path', () => {
    expect(r.summary.checks).toContainEqual({ name: 'query reached the server', passes: ITER, fails: 0 });
  });

  it('a status >= 400 is a failure named after the status', () => {
    expect(errorsOf('POST', '/cart')).toEqual([['HTTP 409', ITER]]);
  });

  it('reads every body and counts its bytes', () => {
    expect(get('GET', '/bytes/1000').bytes).toBe(1000 * ITER);
    expect(get('HEAD', '/items')).toMatchObject({ requests: ITER, failures: 0, bytes: 0 });
    expect(get('GET', 'relative')).toMatchObject({ requests: ITER, failures: 0 });
  });

  it('counts a network error during the run as a failure, not a fatal error', () => {
    expect(get('GET', 'refused')).toMatchObject({ requests: ITER, failures: ITER });
    expect(errorsOf('GET', 'refused')).toHaveLength(1);
    expect(r.summary.meta.stopReason).toBe('iterations done');
  });

  it('fails a request that outlives its timeout option', () => {
    expect(get('GET', 'timeout')).toMatchObject({ requests: ITER, failures: ITER });
    // Under a second, the client's own timer (undici's are coarse): see tests/integration/http-client.test.ts.
    expect(errorsOf('GET', 'timeout')).toEqual([['timeout: no complete response within 100 ms', ITER]]);
  });

  it('recordRequest reports a request of any type, with its bytes and error', () => {
    expect(get('grpc', 'GetUser')).toMatchObject({ requests: 2 * ITER, failures: ITER, bytes: 230 * ITER });
    expect(errorsOf('grpc', 'GetUser')).toEqual([['UNAVAILABLE', ITER]]);
  });

  it('measure times a block, returns its value, and records a throw as a failure', () => {
    expect(get('measure', 'compute')).toMatchObject({ requests: ITER, failures: 0 });
    expect(r.summary.checks).toContainEqual({ name: 'measure returns the value', passes: ITER, fails: 0 });
    expect(get('measure', 'explode')).toMatchObject({ requests: ITER, failures: ITER });
    expect(errorsOf('measure', 'explode')).toEqual([['nope', ITER]]);
  });

  it('trend and counter reach the summary', () => {
    expect(r.summary.trends.queue_ms).toMatchObject({ count: ITER, min: 5 });
    // Within the histogram's 3 significant digits (the max is not exact after merging: see tests/unit/metrics).
    expect(r.summary.trends.queue_ms!.max).toBeCloseTo(5, 2);
    expect(r.summary.counters.probes).toBe(ITER);
  });

  it('adds the rows up into the total, and exits 1 since requests failed', () => {
    const sum = r.summary.endpoints.reduce((a, e) => a + e.requests, 0);
    expect(r.summary.total.requests).toBe(sum);
    expect(r.summary.total.failures).toBe(r.summary.endpoints.reduce((a, e) => a + e.failures, 0));
    expect(r.exitCode).toBe(1);
  });
});

describe('stopping', () => {
  it('aborts requests still in flight after the stop timeout and counts them apart, not as failures', async () => {
    const r = await runFixture('slow.ts', { host: target.url, users: 2, workers: 1, duration: '1s', stopTimeout: '200ms' });
    const slow = endpoint(r.summary.endpoints, 'GET', '/slow/5000');
    expect(slow.aborted).toBe(2);
    expect(slow.failures).toBe(0);
    expect(r.summary.total.failures).toBe(0);
    expect(r.summary.errors).toEqual([]);
    // Not failures, but nothing completed either: such a run fails (issue 11, docs/exit-codes.md#nothing-completed).
    expect(r.exitCode).toBe(1);
    expect(r.summary.meta.stopReason).toBe('duration reached; no request completed (2 aborted at the stop)');
    expect(r.stdout).toContain('2 requests were still in flight at the end and were aborted');
  });

  it('stops gracefully when the signal is aborted, and marks the summary interrupted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    const r = await runFixture('tagged.ts', { host: target.url, users: 1, workers: 1, duration: '60s' }, { signal: controller.signal });
    expect(r.summary.meta.interrupted).toBe(true);
    expect(r.summary.meta.stopReason).toBe('interrupted');
    expect(r.exitCode).toBe(130);
    expect(r.summary.meta.exitCode).toBe(130);
    expect(r.summary.total.requests).toBeGreaterThan(0);
  });
});
