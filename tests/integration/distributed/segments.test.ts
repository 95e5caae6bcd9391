/**
 * The engine's side of distributed runs, through `runScenario` against a real
 * server: `--segment` instances merged with `bench merge` against the whole
 * plan, `--setup-data`, `--start-at`, and the intervals reporters get for the
 * live view.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeRuns } from '../../../src/distributed/merge/index.js';
import { UserError } from '../../../src/errors.js';
import type { MetricsAggregate } from '../../../src/metrics/aggregate.js';
import { createHistogram, decodeHistogram, latencyStats } from '../../../src/metrics/histogram.js';
import type { LiveSnapshot } from '../../../src/metrics/live-snapshot.js';
import type { RunSummary } from '../../../src/metrics/summary-types.js';
import type { Reporter } from '../../../src/metrics/reporter.js';
import { runFixture, runFixtureError } from '../../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../../helpers/target-server.js';

const read = (dir: string): RunSummary => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
const runs = (s: RunSummary) => s.tasks.reduce((a, t) => a + t.runs, 0);

/** Every sample of every input, in one histogram: what one machine would have recorded. */
/** An encoded histogram of summary.json with its exact min and max (µs). */
type Encoded = { latency?: string; histogram?: string; minUs?: number; maxUs?: number };

function oneHistogram(summaries: RunSummary[], pick: (s: RunSummary) => Encoded[]) {
  const h = createHistogram();
  for (const s of summaries) for (const enc of pick(s)) h.add(decodeHistogram(enc.latency ?? enc.histogram!, enc));
  return h;
}

let target: TargetServer;
let dir: string;
beforeAll(async () => {
  target = await startTargetServer();
  dir = mkdtempSync(join(tmpdir(), 'volley-segments-'));
});
afterAll(async () => {
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('--segment', () => {
  it('two halves of a closed plan with shared iterations merge into the whole plan, exactly', async () => {
    const plan = { users: 5, iterations: 201, workers: 2, host: target.url };
    const parts = ['1/2', '2/2'].map((segment, i) => ({ segment, out: join(dir, `closed-${i + 1}`) }));
    for (const p of parts) {
      const r = await runFixture('distributed/mixed.ts', { ...plan, segment: p.segment, out: p.out });
      expect(r.summary.meta.stopReason).toBe('iterations done');
    }
    const inputs = parts.map((p) => read(p.out));
    // Users and iterations as splitEvenly deals them: 3 + 2 users, 101 + 100 task runs.
    expect(inputs.map((s) => s.meta.users)).toEqual([3, 2]);
    expect(inputs.map(runs)).toEqual([101, 100]);
    expect(inputs.map((s) => s.meta.options.segment)).toEqual(['1/2', '2/2']);

    const { summary, warnings } = mergeRuns({ inputs: parts.map((p) => p.out), out: join(dir, 'closed-all') });
    expect(warnings).toEqual([]);
    expect(summary.meta.users).toBe(5);
    expect(runs(summary)).toBe(201);
    expect(summary.meta.instances.map((i) => i.segment)).toEqual(['1/2', '2/2']);
    const sum = (f: (s: RunSummary) => number) => inputs.reduce((a, s) => a + f(s), 0);
    expect(summary.total.requests).toBe(sum((s) => s.total.requests));
    expect(summary.total.failures).toBe(sum((s) => s.total.failures));
    expect(summary.checks).toEqual([{ name: 'items is 200', passes: sum((s) => s.checks[0]!.passes), fails: 0 }]);
    // Percentiles: those of one histogram fed every sample of both instances.
    expect(summary.total.latencyMs).toEqual(latencyStats(oneHistogram(inputs, (s) => s.histograms.endpoints)));
    for (const e of summary.endpoints) {
      const h = oneHistogram(inputs, (s) => s.histograms.endpoints.filter((x) => x.method === e.method && x.name === e.name));
      expect(e.latencyMs, `${e.method} ${e.name}`).toEqual(latencyStats(h));
    }

    // The whole plan on one machine runs as many users and task runs.
    const whole = await runFixture('distributed/mixed.ts', plan);
    expect(whole.summary.meta.users).toBe(summary.meta.users);
    expect(runs(whole.summary)).toBe(runs(summary));
  }, 60_000);

  it('splits an open plan’s arrivals exactly: each instance makes its own of the whole schedule', async () => {
    const plan = { rate: '300/s', iterations: 61, workers: 2, host: target.url };
    const parts = ['1/2', '2/2'].map((segment, i) => ({ segment, out: join(dir, `open-${i + 1}`) }));
    for (const p of parts) await runFixture('distributed/one-task.ts', { ...plan, segment: p.segment, out: p.out });
    const inputs = parts.map((p) => read(p.out));
    expect(inputs.map((s) => s.total.requests)).toEqual([31, 30]);
    expect(inputs.map((s) => s.counters.dropped_iterations ?? 0)).toEqual([0, 0]);
    // maxUsers (default 3,000 for 300/s) is split like users.
    expect(inputs.map((s) => s.meta.users)).toEqual([1500, 1500]);
    const { summary } = mergeRuns({ inputs: parts.map((p) => p.out), out: join(dir, 'open-all') });
    expect(summary.total.requests).toBe(61);
  }, 30_000);

  it('keeps sweep stages under the plan’s concurrency, each instance running its share', async () => {
    const plan = { concurrency: [1, 3], maxRequestsPerStage: 20, workers: 1, host: target.url };
    const parts = ['1/2', '2/2'].map((segment, i) => ({ segment, out: join(dir, `sweep-${i + 1}`) }));
    for (const p of parts) await runFixture('distributed/one-task.ts', { ...plan, segment: p.segment, out: p.out });
    const inputs = parts.map((p) => read(p.out));
    expect(inputs.map((s) => s.stages?.map((st) => st.name))).toEqual([
      ['c=1', 'c=3'],
      ['c=1', 'c=3'],
    ]);
    // At c=1 the second half has no user: its stage ends at once, with no request.
    expect(inputs[1]!.stages![0]!.total.requests).toBe(0);
    expect(inputs[0]!.stages![0]!.total.requests).toBeGreaterThanOrEqual(10);
    const { summary } = mergeRuns({ inputs: parts.map((p) => p.out), out: join(dir, 'sweep-all') });
    expect(summary.stages?.map((st) => st.name)).toEqual(['c=1', 'c=3']);
  }, 30_000);

  it('refuses a segment that would hold iterations but no user to run them', async () => {
    const err = await runFixtureError('distributed/one-task.ts', { users: 1, iterations: 10, segment: '2/2', host: target.url });
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/--segment 2\/2 runs none of the 1 user\(s\) of the plan but 5 of its iterations/);
  });
});

describe('--setup-data', () => {
  it('hands every user the file’s data instead of running setup(), and leaves teardown() to bench teardown', async () => {
    const file = join(dir, 'setup.json');
    writeFileSync(file, JSON.stringify({ volleySetupData: 1, scenario: 'lifecycle.ts', createdAt: new Date().toISOString(), data: { token: 'abc', startedBy: 'file' } }));
    const teardown = join(dir, 'teardown.json');
    process.env.VOLLEY_TEARDOWN_FILE = teardown;
    try {
      const r = await runFixture('lifecycle.ts', { host: target.url, users: 2, workers: 1, iterations: 4, setupData: file });
      expect(r.exitCode).toBe(0);
      expect(r.summary.checks).toEqual([
        { name: 'setup data reached onStart', passes: 2, fails: 0 },
        { name: 'setup data reached the task', passes: 4, fails: 0 },
      ]);
      expect(existsSync(teardown)).toBe(false);
    } finally {
      delete process.env.VOLLEY_TEARDOWN_FILE;
    }
  });

  it('refuses a file bench setup did not write, before starting anything', async () => {
    const err = await runFixtureError('lifecycle.ts', { host: target.url, users: 1, iterations: 1, setupData: join(dir, 'nope.json') });
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/--setup-data .*nope\.json: cannot read it \(no such file\)/);
  });
});

describe('--start-at', () => {
  it('waits until the time before starting the load, saying so', async () => {
    const at = new Date(Date.now() + 1500);
    const r = await runFixture('distributed/one-task.ts', { users: 1, iterations: 5, workers: 1, host: target.url, startAt: at.toISOString() });
    expect(r.stderr).toMatch(/waiting \d+ s until .* \(--start-at\)/);
    expect(r.summary.total.requests).toBe(5);
    // Every figure is from after the start time.
    expect(Date.parse(r.summary.meta.endTime)).toBeGreaterThanOrEqual(at.getTime());
  });

  it('ends the wait on Ctrl-C without starting any user', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await runFixture(
      'distributed/one-task.ts',
      { users: 1, duration: '10s', workers: 1, host: target.url, startAt: new Date(Date.now() + 10_000).toISOString() },
      { signal: ac.signal },
    );
    expect(r.summary.meta).toMatchObject({ interrupted: true, stopReason: 'interrupted' });
    expect(r.summary.total.requests).toBe(0);
    expect(r.summary.tasks).toEqual([]);
  });

  it('refuses to start more than a few seconds late', async () => {
    const err = await runFixtureError('distributed/one-task.ts', { users: 1, iterations: 5, host: target.url, startAt: new Date(Date.now() - 60_000).toISOString() });
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/--start-at .* is 60\.\d s in the past/);
  });
});

describe('onInterval', () => {
  it('gets every interval’s metrics once, the last partial one included: they add up to the run', async () => {
    const intervals: Array<{ requests: number; elapsedMs: number }> = [];
    const spy: Reporter = {
      onInterval(interval: MetricsAggregate, snap: LiveSnapshot) {
        intervals.push({ requests: interval.total().requests, elapsedMs: snap.elapsedMs });
      },
    };
    const r = await runFixture('distributed/mixed.ts', { users: 2, workers: 2, duration: '2500ms', host: target.url, snapshotInterval: '500ms' }, { reporters: [spy] });
    expect(intervals.length).toBe(r.summary.history.length + 1);
    expect(intervals.reduce((a, i) => a + i.requests, 0)).toBe(r.summary.total.requests);
    expect(intervals.map((i) => i.elapsedMs)).toEqual([...intervals.map((i) => i.elapsedMs)].sort((a, b) => a - b));
  });

  it('is not called for warm-up stages', async () => {
    const stagesSeen: Array<string | undefined> = [];
    const spy: Reporter = { onInterval: (_i: MetricsAggregate, snap: LiveSnapshot) => void stagesSeen.push(snap.stage) };
    const r = await runFixture(
      'distributed/one-task.ts',
      { concurrency: [1], maxTimePerStage: '1200ms', warmup: '1200ms', workers: 1, host: target.url, snapshotInterval: '300ms' },
      { reporters: [spy] },
    );
    expect(r.summary.stages?.map((s) => s.name)).toEqual(['c=1']);
    expect(stagesSeen.length).toBeGreaterThan(0);
    expect(stagesSeen.some((s) => s?.includes('warm-up'))).toBe(false);
  });
});
