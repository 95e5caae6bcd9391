import { describe, expect, it } from 'vitest';
import { buildLiveSnapshot, historyRow } from '../../../src/metrics/snapshot-builder.js';
import { LiveWindow } from '../../../src/engine/live-window.js';
import { sweepProgress } from '../../../src/engine/sweep-progress.js';
import { MetricsAggregate } from '../../../src/metrics/aggregate.js';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import { historyCsv } from '../../../src/report/files/history-csv.js';
import { progressLine } from '../../../src/report/headless.js';
import type { RunSummary } from '../../../src/metrics/summary-types.js';

/** One second's merged metrics holding `n` requests of `ms` each. */
function second(n: number, ms = 2000): MetricsAggregate {
  const rec = new MetricsRecorder();
  for (let i = 0; i < n; i++) rec.recordRequest({ method: 'POST', name: '/v1/chat/completions', durationMs: ms, bytes: 10 });
  const agg = new MetricsAggregate();
  agg.addDelta(rec.takeDelta());
  return agg;
}

const inputs = { scenario: 's.ts', elapsedMs: 5000, users: 2, targetUsers: 2, workers: 1, health: [], intervalSec: 1, hasSlo: false };

describe('the live window', () => {
  it('at a low rate, reads the last 10 s: requests that completed seconds ago still count', () => {
    const w = new LiveWindow();
    // One 2-second request completing every 3 s: most seconds hold none.
    for (let s = 0; s < 12; s++) w.push(second(s % 3 === 0 ? 1 : 0), 1);
    const f = w.figures();
    expect(f.seconds).toBe(10);
    expect(f.requests).toBe(3);
    expect(f.rps).toBeCloseTo(0.3, 6);
    expect(f.p50Ms).toBeGreaterThan(1900);
  });

  it('at a high rate, reads only as many seconds as hold 100 requests', () => {
    const w = new LiveWindow();
    for (let s = 0; s < 10; s++) w.push(second(60, 5), 1);
    expect(w.figures()).toMatchObject({ seconds: 2, requests: 120, rps: 60 });
  });

  it('has no latency, not 0 ms, when no request completed in it; a new stage starts afresh', () => {
    const w = new LiveWindow();
    w.push(second(5), 1, 'c=1');
    w.push(second(0), 1, 'c=2');
    expect(w.figures()).toMatchObject({ requests: 0, rps: 0, p50Ms: null, p95Ms: null });
  });

  it('shows in the progress line, with – where there is no data', () => {
    const total = new MetricsAggregate();
    total.addAggregate(second(3));
    const quiet = second(0);
    const snap = buildLiveSnapshot(total, quiet, inputs);
    // The last second alone: 0 req/s and a 0 ms p50 while requests do complete.
    expect(snap.interval.rps).toBe(0);
    const w = new LiveWindow();
    w.push(second(3), 1);
    w.push(quiet, 1);
    snap.window = w.figures();
    expect(progressLine(snap)).toMatch(/reqs 3 {2}fails 0 {2}1\.5 req\/s {2}p50 2000ms {2}p95 2000ms over 2s$/);
    w.push(quiet, 1, 'next');
    snap.window = w.figures();
    expect(progressLine(snap)).toMatch(/0\.0 req\/s {2}p50 – {2}p95 – over 1s$/);
  });
});

describe('history rows', () => {
  it('leave the latency of a second without a completed request empty in history.csv, not 0', () => {
    const snap = buildLiveSnapshot(second(3), second(0), inputs);
    const row = historyRow(snap, second(0));
    expect(row).toMatchObject({ rps: 0, p50Ms: null, p95Ms: null, p99Ms: null });
    const csv = historyCsv({ history: [row] } as unknown as RunSummary).trimEnd().split('\n');
    expect(csv[1]!.split(',').slice(5)).toEqual(['0', '0', '', '', '']);
  });
});

describe('sweep progress', () => {
  const base = { count: 3, warmup: false, warmupMs: 0, doneMs: [] as number[] };

  it('counts the stage among the planned ones and estimates the time left from the stage bound', () => {
    // Stage 2 of 3 bounded at 30 s, 10 s in; stage 1 took 30 s: 20 s + 30 s left.
    expect(sweepProgress({ ...base, index: 2, stageElapsedMs: 10_000, stageRequests: 7, maxTimeMs: 30_000, doneMs: [30_000] })).toEqual({ stage: 2, stages: 3, remainingMs: 50_000 });
  });

  it('with a request bound: the stage rate so far, then the finished stages as a guide', () => {
    // 20 of 50 requests in 10 s: 15 s more; stage 3 as long as stage 1 (40 s).
    expect(sweepProgress({ ...base, index: 2, stageElapsedMs: 10_000, stageRequests: 20, maxRequests: 50, doneMs: [40_000] })).toEqual({ stage: 2, stages: 3, remainingMs: 55_000 });
    // No request yet and nothing finished: no basis for an estimate.
    expect(sweepProgress({ ...base, index: 1, stageElapsedMs: 500, stageRequests: 0, maxRequests: 50 })).toEqual({ stage: 1, stages: 3 });
  });

  it('shows as "stage 2/3 … (~50s left)" in the progress line', () => {
    const snap = buildLiveSnapshot(second(3), second(1), { ...inputs, stage: 'c=2' });
    snap.sweep = { stage: 2, stages: 3, remainingMs: 49_200 };
    expect(progressLine(snap)).toMatch(/^\[5s\] stage 2\/3 c=2 \(~50s left\) users 2\/2/);
  });
});
