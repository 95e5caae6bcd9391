/**
 * The capacity search and the rate sweep against a server of known capacity:
 * 4 requests at once, 100 ms each, so 40 requests per second; past that its
 * queue and the latency grow without bound (tests/helpers/capped-server.ts).
 * Steps are short (2 s after a 1.2 s warm-up, 250 ms intervals) to keep the
 * tests fast; docs/capacity.md says why real searches take longer steps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { startRun } from '../../src/run/index.js';
import type { LiveSnapshot } from '../../src/metrics/live-snapshot.js';
import { captureStream, runFixture, SCENARIOS } from '../helpers/run-fixture.js';
import { startCappedServer, type CappedServer } from '../helpers/capped-server.js';

const CAPACITY = 40;
let target: CappedServer;
beforeAll(async () => {
  target = await startCappedServer({ concurrency: 4, serviceMs: 100 });
});
afterAll(() => target.close());

describe('--find-capacity', () => {
  it('finds the rate the server sustains within 10% and names the objective that gave out first', async () => {
    const r = await runFixture('capacity/get.ts', {
      host: target.url, workers: 1, findCapacity: true, slo: 'http.p99<300ms,errors<1%', startRate: '3/s', stepTime: '2s', stepWarmup: '1s',
    });
    const c = r.summary.capacity!;
    // On failure, the steps say why.
    const steps = c.steps.map((s) => `${s.level}/s ${s.passed ? 'pass' : `fail (${s.failed.join(', ')})`} p99=${s.figures['http.p99<300ms']} ${s.saturation?.join('; ') ?? ''}`).join('\n');
    expect(r.exitCode, steps).toBe(0);
    expect(r.summary.meta.stopReason).toBe('capacity search finished');
    expect(c.outcome).toBe('found');
    expect(c.unit).toBe('requests/s');
    // Within 10%. When Volley itself reports its generator overloaded (the whole suite running on a
    // small shared machine: event-loop delays of 100 ms in the latencies), its figures are flagged
    // untrustworthy, and the test asks only for 25%.
    const tolerance = r.summary.generatorOverloaded ? 0.25 : 0.1;
    expect(c.value, steps).toBeGreaterThanOrEqual(CAPACITY * (1 - tolerance));
    expect(c.value, steps).toBeLessThanOrEqual(CAPACITY * (1 + tolerance));
    expect(c.firstFail).toBeGreaterThan(c.lastPass!);
    // Latency, not errors, gives out when a server queues: the first objective to fail is the p99.
    expect(c.failedFirst).toBe('http.p99<300ms');
    expect(c.objectives).toEqual(['http.p99<300ms', 'errors<1%']);
    // The ramp doubles from the start level; every step is a stage of its own, judged on its own figures.
    expect(c.steps.slice(0, 4).map((s) => [s.level, s.passed])).toEqual([[3, true], [6, true], [12, true], [24, true]]);
    expect(r.summary.stages!.map((s) => s.ratePerSec)).toEqual(c.steps.map((s) => s.level));
    const p99 = (s: (typeof c.steps)[number]) => s.figures['http.p99<300ms']!;
    expect(p99(c.steps[0]!)).toBeLessThan(300);
    // The saturation rule: not on a step at half the capacity or less, on every step at 1.2× or more
    // (judged on figures Volley trusts: not when it reports its own generator overloaded).
    for (const s of c.steps) {
      if (s.level <= CAPACITY / 2 && !r.summary.generatorOverloaded) expect(s.saturated, `${s.level}/s`).toBe(false);
      if (s.level >= CAPACITY * 1.2) expect(s.saturated, `${s.level}/s`).toBe(true);
      expect(s.passed).toBe(s.failed.length === 0);
    }
    expect(r.stderr).toMatch(/^capacity step 1 at 3\/s: passed; http\.p99=[\d.]+ errors=0$/m);
    expect(r.stderr).toMatch(/^capacity: [\d.]+\/s \(between [\d.]+\/s passing and [\d.]+\/s failing/m);
  }, 120_000);

  it('ends with exit code 1 and says so when even the lowest level fails', async () => {
    const r = await runFixture('capacity/get.ts', {
      host: target.url, workers: 1, findCapacity: true, slo: 'http.p99<50ms', startRate: '5/s', stepTime: '1s', stepWarmup: '250ms',
    });
    expect(r.exitCode).toBe(1);
    expect(r.summary.capacity).toMatchObject({ value: null, outcome: 'lowest-fails', lastPass: null, firstFail: 5, failedFirst: 'http.p99<50ms' });
    expect(r.summary.capacity!.steps).toHaveLength(1);
    expect(r.stderr).toMatch(/^capacity not found: even the lowest level, 5\/s, failed \(http\.p99<50ms(, saturated)?\); lower --start-rate or relax --slo$/m);
  }, 60_000);

  it('searches the users with --by users', async () => {
    // Closed users wait for each answer: 4 users or fewer are never queued (100 ms), 8 wait one turn (200 ms).
    const r = await runFixture('capacity/get.ts', {
      host: target.url, workers: 1, findCapacity: true, by: 'users', slo: 'http.p99<250ms', startRate: 2, maxLevel: 16, stepTime: '1s', stepWarmup: '250ms',
    });
    const c = r.summary.capacity!;
    expect(c.unit).toBe('users');
    expect(c.steps.every((s) => Number.isInteger(s.level))).toBe(true);
    expect(c.value).toBeGreaterThanOrEqual(4);
    expect(c.value).toBeLessThan(12);
  }, 60_000);
});

describe('--rate-sweep', () => {
  it('runs one stage per rate, each with its rate and saturation; --stop-over-saturated ends it after a saturated stage', async () => {
    const r = await runFixture('capacity/get.ts', { host: target.url, workers: 1, rateSweep: '10/s,80/s,20/s', maxTimePerStage: '1.5s', stopOverSaturated: true });
    expect(r.summary.stages!.map((s) => [s.name, s.ratePerSec, s.saturation!.saturated])).toEqual([
      ['rate=10/s', 10, false],
      ['rate=80/s', 80, true],
    ]);
    expect(r.summary.meta.stopReason).toMatch(/^over-saturated at stage rate=80\/s: /);
  }, 60_000);

  it('runs every stage without --stop-over-saturated', async () => {
    const r = await runFixture('capacity/get.ts', { host: target.url, workers: 1, rateSweep: '10/s,20/s', maxTimePerStage: '1s', warmup: '250ms' });
    expect(r.summary.stages!.map((s) => s.name)).toEqual(['rate=10/s', 'rate=20/s']);
    expect(r.summary.meta.stopReason).toBe('rate sweep finished');
    expect(r.exitCode).toBe(0);
  }, 60_000);
});

describe('over-saturation of a run', () => {
  it('--stop-over-saturated ends a run offered twice the capacity, and says why', async () => {
    const r = await runFixture('capacity/get.ts', { host: target.url, workers: 1, rate: '80/s', duration: '20s', stopOverSaturated: true, stopTimeout: '1s' });
    expect(r.summary.meta.stopReason).toMatch(/^over-saturated: /);
    expect(r.summary.meta.durationMs).toBeLessThan(20_000);
    expect(r.summary.saturation?.saturated).toBe(true);
  }, 60_000);

  it('is not flagged on a steady run at a quarter of the capacity', async () => {
    const r = await runFixture('capacity/get.ts', { host: target.url, workers: 1, rate: '10/s', duration: '3s', stopOverSaturated: true });
    expect(r.summary.meta.stopReason).toBe('duration reached');
    expect(r.summary.saturation).toEqual({ saturated: false, reasons: [] });
  }, 60_000);
});

describe('--find-capacity on an LLM server (the mock)', () => {
  it('judges each step by the LLM figures its --slo names (ttft.p95, tpot.p95)', async () => {
    // The mock answers with TTFT 200 ms and 20 ms between tokens: both levels pass these objectives.
    const ok = await runFixture('llm/one-chat.ts', {
      host: 'mock', workers: 1, snapshotInterval: '250ms', findCapacity: true, slo: 'ttft.p95<1s,tpot.p95<100ms', startRate: '2/s', maxRate: '4/s', stepTime: '1s', stepWarmup: '250ms',
    });
    expect(ok.exitCode).toBe(0);
    const c = ok.summary.capacity!;
    expect(c).toMatchObject({ value: 4, outcome: 'max-reached', objectives: ['ttft.p95<1s', 'tpot.p95<100ms'] });
    for (const s of c.steps) {
      // In the objective's unit: seconds for `1s`, milliseconds for `100ms`.
      expect(s.figures['ttft.p95<1s']).toBeGreaterThanOrEqual(0.19);
      expect(s.figures['tpot.p95<100ms']).toBeGreaterThanOrEqual(19);
    }
    // A TPOT the mock cannot meet fails the lowest level, and names it.
    const tight = await runFixture('llm/one-chat.ts', {
      host: 'mock', workers: 1, snapshotInterval: '250ms', findCapacity: true, slo: 'ttft.p95<1s,tpot.p95<5ms', startRate: '2/s', stepTime: '1s', stepWarmup: '250ms',
    });
    expect(tight.exitCode).toBe(1);
    expect(tight.summary.capacity).toMatchObject({ value: null, outcome: 'lowest-fails', failedFirst: 'tpot.p95<5ms' });
  }, 60_000);
});

describe('the capacity search live', () => {
  it('each snapshot has the bracket so far and the steps judged as stage rows', async () => {
    const run = await startRun(
      {
        scenario: resolve(SCENARIOS, 'capacity/get.ts'),
        options: { headless: true, seed: 1, host: target.url, workers: 1, findCapacity: true, slo: 'http.p99<2s', startRate: '10/s', maxRate: '20/s', stepTime: '1s', stepWarmup: '250ms' },
      },
      { stdout: captureStream(), stderr: captureStream() },
    );
    const snaps: LiveSnapshot[] = [];
    run.onSnapshot((s) => void snaps.push(s));
    const { summary } = await run.done;
    expect(summary.capacity?.steps).toHaveLength(2);
    // After the first step: the bracket starts at 10/s, and its row is in the table.
    const after = snaps.find((s) => s.capacity?.steps === 1)!;
    expect(after.capacity).toEqual({ lastPass: 10, firstFail: null, unit: 'requests/s', steps: 1 });
    expect(after.stages?.[0]?.name).toBe('rate=10/s');
    expect(snaps.some((s) => s.stages?.some((r) => r.name === 'rate=20/s' && r.current))).toBe(true);
  }, 60_000);
});
