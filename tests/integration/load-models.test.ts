/**
 * The load models through `runScenario` against real servers: what each model
 * achieved over time against its plan, dropped arrivals, iterations, several
 * scenarios in one run, and latency free of coordinated omission. Tolerances
 * are loose: the machines have two noisy cores.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryRow, RunSummary } from '../../src/metrics/summary-types.js';
import { runFixture } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(async () => {
  await target.close();
});

const fixture = (name: string) => `load-models/${name}.ts`;
const tasksRun = (s: RunSummary) => s.tasks.reduce((a, t) => a + t.runs, 0);
/** Rows of whole seconds of load: the first covers half a second (workers report half an interval out of phase), the last may be cut. */
const fullRows = (s: RunSummary) => s.history.filter((h, i) => i > 0 && i < s.history.length - 1);
/**
 * The users of each history row, checked for a rise to `peak` and a fall after
 * it, without reading the clock: a loaded machine shifts when rows are written,
 * never their order. Up to the first row at the peak the users never drop;
 * after the last row at the peak they never rise; no row is above the peak.
 */
function expectRiseAndFall(rows: readonly HistoryRow[], peak: number): { before: number[]; after: number[] } {
  const users = rows.map((h) => h.users);
  const first = users.indexOf(peak);
  const last = users.lastIndexOf(peak);
  expect(first, `users ${users.join(',')} reach ${peak}`).toBeGreaterThanOrEqual(0);
  expect(Math.max(...users), `users ${users.join(',')}`).toBe(peak);
  const before = users.slice(0, first + 1);
  const after = users.slice(last);
  before.forEach((u, i) => i > 0 && expect(u, `users ${users.join(',')} rise to the peak`).toBeGreaterThanOrEqual(before[i - 1]!));
  after.forEach((u, i) => i > 0 && expect(u, `users ${users.join(',')} fall after the peak`).toBeLessThanOrEqual(after[i - 1]!));
  return { before, after };
}

describe('closed model: ramping users', () => {
  it('follows the stages up, holds, and ramps down gracefully to the end of the stages', async () => {
    const r = await runFixture(fixture('get'), { host: target.url, workers: 2, stages: '2s:6,2s:6,2s:0' });
    expect(r.summary.meta.stopReason).toBe('stages done');
    expect(r.summary.meta.durationMs).toBeGreaterThan(5500);
    expect(r.summary.meta.users).toBe(6);
    // Up from below 6 to 6, held, then down: the ramp-down retired users before the end.
    const { before, after } = expectRiseAndFall(r.summary.history, 6);
    expect(before[0]).toBeLessThan(6);
    expect(Math.min(...after)).toBeLessThan(6);
    expect(r.summary.total.failures).toBe(0);
    expect(r.summary.total.aborted).toBe(0);
  });
});

describe('closed model: a LoadShape', () => {
  it('runs the users the shape asks for each second, then ends when it returns null', async () => {
    const r = await runFixture(fixture('shape'), { host: target.url, workers: 2 });
    expect(r.summary.meta.stopReason).toBe('shape finished');
    expect(r.summary.meta.durationMs).toBeGreaterThan(4500);
    // Plan: 2 users; from 2 s up to 6 at 4/s (one at once, then one per 250 ms); 1 user from 4 s.
    const { before, after } = expectRiseAndFall(r.summary.history, 6);
    expect(before, 'the shape held 2 users before it rose').toContain(2);
    expect(Math.min(...after), 'the shape went down to 1 user').toBe(1);
    expect(r.summary.meta.users).toBe(6);
  });
});

describe('open model: arrival rates', () => {
  it('starts iterations at a constant rate, split over workers, each measured from its intended start', async () => {
    const r = await runFixture(fixture('get'), { host: target.url, workers: 2, rate: '40/s', duration: '4s' });
    expect(r.summary.meta.stopReason).toBe('duration reached');
    // 4 s at 40/s: arrivals at 0, 25 ms, …, 3975 ms; each one ran or was dropped.
    const dropped = r.summary.counters.dropped_iterations ?? 0;
    expect(tasksRun(r.summary) + dropped).toBeGreaterThanOrEqual(157);
    expect(tasksRun(r.summary) + dropped).toBeLessThanOrEqual(160);
    expect(dropped).toBe(0);
    const rows = fullRows(r.summary);
    // A 4 s run has rows at t = 1, 2, 3: one whole-second row between the cut first and last.
    // The arrivals are spread over the run, not bunched: every whole-second row has some.
    expect(rows.length).toBeGreaterThanOrEqual(1);
    for (const h of rows) expect(h.rps, `req/s at t=${h.t}`).toBeGreaterThan(0);
    // Both latencies are kept: service time per endpoint, and from the intended start, with the schedule delay.
    const delay = r.summary.trends.schedule_delay!;
    const fromIntended = r.summary.trends.latency_from_intended!;
    expect(delay.count).toBe(tasksRun(r.summary));
    expect(fromIntended.count).toBe(r.summary.total.requests);
    expect(fromIntended.max).toBeGreaterThanOrEqual(r.summary.total.latencyMs.min);
    expect(fromIntended.p50).toBeGreaterThanOrEqual(r.summary.total.latencyMs.p50 * 0.9);
  });

  it('ramps the arrival rate through its stages: exactly the planned arrivals, more per second as the rate rises', async () => {
    // 0 → 40/s over 2 s (40 arrivals), then 40/s for 2 s (80): 120 in all.
    const r = await runFixture(fixture('get'), { host: target.url, workers: 2, stages: '2s:40/s,2s:40/s' });
    expect(r.summary.meta.stopReason).toBe('stages done');
    const ran = tasksRun(r.summary) + (r.summary.counters.dropped_iterations ?? 0);
    expect(ran).toBeGreaterThanOrEqual(117);
    expect(ran).toBeLessThanOrEqual(120);
    const rows = r.summary.history;
    // Λ(t) = 10·t² arrivals over the first 2 s. Row 2 covers 0.5–1.5 s (planned 20 arrivals), row 3 1.5–2.5 s (37.5):
    // the rate rose, so the later row has more.
    const row = (t: number) => rows.find((h) => Math.round(h.t) === t)!;
    expect(row(2).rps, `row 2: ${row(2).rps}/s, row 3: ${row(3).rps}/s`).toBeLessThan(row(3).rps);
  });

  it('makes Poisson arrivals at the rate on average', async () => {
    const r = await runFixture(fixture('get'), { host: target.url, workers: 2, rate: '50/s', duration: '4s', arrivals: 'poisson' });
    // 200 expected; a Poisson count has a standard deviation of about 14.
    const n = tasksRun(r.summary) + (r.summary.counters.dropped_iterations ?? 0);
    expect(n).toBeGreaterThan(150);
    expect(n).toBeLessThan(250);
  });

  it('counts arrivals that find no free user as dropped, never delaying them', async () => {
    // One user, 200 ms a task: it can take 5 arrivals a second of the 20 offered.
    const r = await runFixture(fixture('slow-get'), { host: target.url, workers: 1, rate: '20/s', duration: '3s', maxUsers: 1 });
    const ran = tasksRun(r.summary);
    const dropped = r.summary.counters.dropped_iterations ?? 0;
    expect(ran + dropped).toBeGreaterThanOrEqual(58);
    expect(ran + dropped).toBeLessThanOrEqual(60);
    expect(ran).toBeLessThanOrEqual(20);
    expect(dropped).toBeGreaterThanOrEqual(38);
  });
});

describe('iterations', () => {
  it('runs iterationsPerUser tasks on every user, then ends', async () => {
    const r = await runFixture(fixture('get'), { host: target.url, workers: 2, users: 3, iterationsPerUser: 4 });
    expect(r.summary.meta.stopReason).toBe('iterations done');
    expect(tasksRun(r.summary)).toBe(12);
    expect(r.summary.total.requests).toBe(12);
  });

  it('caps an open model with a shared total of iterations', async () => {
    const r = await runFixture(fixture('get'), { host: target.url, workers: 2, rate: '50/s', iterations: 30 });
    expect(r.summary.meta.stopReason).toBe('iterations done');
    expect(tasksRun(r.summary) + (r.summary.counters.dropped_iterations ?? 0)).toBe(30);
  });
});

describe('several scenarios in one run', () => {
  it('ends each scenario at its own iterations, wherever its users run', async () => {
    const r = await runFixture(fixture('scenario-iterations'), { host: target.url, workers: 2, duration: '20s' });
    const [small, big] = r.summary.scenarios!;
    expect([small!.endReason, big!.endReason]).toEqual(['iterations done', 'iterations done']);
    expect(small!.tasks).toEqual([{ name: 'few', runs: 5, errors: 0 }]);
    expect(big!.tasks).toEqual([{ name: 'many', runs: 12, errors: 0 }]);
    expect(r.summary.meta.stopReason).toBe('iterations done');
  });

  it('runs each with its own model, start time and classes, reported apart and together', async () => {
    const r = await runFixture(fixture('two-scenarios'), { host: target.url, workers: 2 });
    const scenarios = r.summary.scenarios!;
    expect(scenarios.map((s) => [s.name, s.executor, s.endReason])).toEqual([
      ['browse', 'constant-users', 'duration reached'],
      ['api', 'constant-arrival-rate', 'duration reached'],
    ]);
    const [browse, api] = scenarios as [NonNullable<RunSummary['scenarios']>[number], NonNullable<RunSummary['scenarios']>[number]];
    expect(browse.endpoints.map((e) => e.name)).toEqual(['browse']);
    expect(api.endpoints.map((e) => e.name)).toEqual(['api']);
    expect(browse.checks).toEqual([{ name: 'shopper got 200', passes: browse.total.requests, fails: 0 }]);
    expect(api.checks).toEqual([{ name: 'api got 200', passes: api.total.requests, fails: 0 }]);
    expect(api.startTimeMs).toBeGreaterThanOrEqual(950);
    // 2 s at 20/s.
    expect(api.total.requests).toBeGreaterThanOrEqual(36);
    expect(api.total.requests).toBeLessThanOrEqual(40);
    expect(Object.keys(api.trends).sort()).toEqual(['latency_from_intended', 'schedule_delay']);
    expect(Object.keys(browse.trends)).toEqual([]);
    // Together: the run's totals are the sum of its scenarios.
    expect(r.summary.total.requests).toBe(browse.total.requests + api.total.requests);
  });
});

/**
 * A server that stalls: every request that arrives in [stallAtMs, stallAtMs +
 * stallMs) after its first request is answered only at the end of that window.
 */
async function startStallingServer(stallAtMs: number, stallMs: number): Promise<{ url: string; arrivedDuringStall: () => number; close(): Promise<void> }> {
  let first = 0;
  let during = 0;
  const server: Server = createServer((req, res) => {
    const now = performance.now();
    if (!first) first = now;
    const t = now - first;
    req.resume();
    if (t >= stallAtMs && t < stallAtMs + stallMs) {
      during++;
      setTimeout(() => res.end('late'), stallAtMs + stallMs - t);
    } else res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivedDuringStall: () => during,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('coordinated omission', () => {
  it('closed model with pacing: the corrected percentiles show a server stall, service time does not', async () => {
    const stallMs = 1000;
    const server = await startStallingServer(1000, stallMs);
    try {
      const r = await runFixture(fixture('paced'), { host: server.url, workers: 1, users: 1, duration: '4s', correctCoordinatedOmission: true, skipHostCheck: true });
      const service = r.summary.endpoints.find((e) => e.name === 'get')!.latencyMs;
      const corrected = r.summary.trends.latency_corrected!;
      // One request waited out the stall; the user, paced at 20/s, sent nothing meanwhile.
      expect(service.max).toBeGreaterThan(800);
      // Service time shows the stall in one request only; the corrected percentiles in many.
      expect(service.p90).toBeLessThan(corrected.p90);
      // The correction adds the ~19 requests the stall kept from being sent, from ~950 ms down to ~50 ms.
      expect(corrected.count - service.count).toBeGreaterThanOrEqual(14);
      expect(corrected.p90).toBeGreaterThan(300);
      expect(corrected.p99).toBeGreaterThan(800);
    } finally {
      await server.close();
    }
  });

  it('open model: arrivals keep coming through a server stall, so service time shows it in full', async () => {
    const server = await startStallingServer(1000, 1000);
    try {
      const r = await runFixture(fixture('get'), { host: server.url, workers: 2, rate: '50/s', duration: '3s', skipHostCheck: true });
      // About a second of arrivals reached the stalled server instead of one request.
      expect(server.arrivedDuringStall()).toBeGreaterThanOrEqual(35);
      expect(r.summary.counters.dropped_iterations ?? 0).toBe(0);
      const service = r.summary.total.latencyMs;
      const fromIntended = r.summary.trends.latency_from_intended!;
      expect(service.p90).toBeGreaterThan(300);
      expect(fromIntended.p90).toBeGreaterThanOrEqual(service.p90);
    } finally {
      await server.close();
    }
  });

  it('open model: when the load generator stalls, latency from the intended start shows it, service time does not', async () => {
    // tests/fixtures/scenarios/load-models/busy-task.ts blocks its thread for 500 ms.
    const r = await runFixture(fixture('busy-task'), { host: target.url, workers: 1, rate: '50/s', duration: '3s' });
    const service = r.summary.total.latencyMs;
    const delay = r.summary.trends.schedule_delay!;
    const fromIntended = r.summary.trends.latency_from_intended!;
    // 500 ms blocked at 50/s: ~25 arrivals started late, by up to ~500 ms.
    expect(delay.max).toBeGreaterThan(350);
    expect(delay.p90).toBeGreaterThan(100);
    expect(fromIntended.p90).toBeGreaterThan(100);
    // The delay is in the latency from the intended start, not in the service time.
    expect(service.p90).toBeLessThan(fromIntended.p90);
  });
});
