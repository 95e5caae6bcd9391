import { describe, expect, it } from 'vitest';
import { mergeHistories } from '../../../src/distributed/merge/history.js';
import { mergeLatencyStats, mergeStages } from '../../../src/distributed/merge/stages.js';
import type { HistoryRow, StageSummary } from '../../../src/metrics/summary-types.js';

const T0 = Date.parse('2025-06-01T12:00:00Z');
const row = (atMs: number, rps: number, p50: number, users = 5): HistoryRow => ({
  t: 0,
  timestamp: new Date(atMs).toISOString(),
  users,
  rps,
  failuresPerSec: rps / 10,
  p50Ms: p50,
  p95Ms: p50 * 2,
  p99Ms: p50 * 3,
});

describe('mergeHistories', () => {
  it('aligns rows by wall-clock second and sums rates and users', () => {
    const a = [row(T0 + 1000, 100, 10), row(T0 + 2000, 100, 10), row(T0 + 3000, 100, 10)];
    // b ticks 300 ms later than a, and started a second later.
    const b = [row(T0 + 2300, 300, 20), row(T0 + 3300, 300, 20)];
    const m = mergeHistories([{ rows: a }, { rows: b }]);
    expect(m.map((r) => [r.t, r.rps, r.users])).toEqual([
      [1, 100, 5],
      [2, 400, 10],
      [3, 400, 10],
    ]);
    expect(m[0]!.timestamp).toBe(new Date(T0 + 1000).toISOString());
    // Percentiles of a second: weighted by each instance's requests (an approximation).
    expect(m[1]!.p50Ms).toBe(17.5);
    expect(m[1]!.failuresPerSec).toBe(40);
  });

  it('averages an instance that has two rows in one second', () => {
    const a = [row(T0 + 1000, 100, 10), row(T0 + 1400, 200, 30)];
    const m = mergeHistories([{ rows: a }]);
    expect(m).toHaveLength(1);
    expect(m[0]!.rps).toBe(150);
    expect(m[0]!.p50Ms).toBe(20);
  });

  it('keeps LLM figures and stages', () => {
    const a = [{ ...row(T0 + 1000, 10, 5), ttftP50Ms: 100, ttftP99Ms: 300, outputTokensPerSec: 50, stage: 'c=4' }];
    const b = [{ ...row(T0 + 1000, 30, 5), ttftP50Ms: 200, ttftP99Ms: 400, outputTokensPerSec: 70, stage: 'c=4' }];
    const [m] = mergeHistories([{ rows: a }, { rows: b }]);
    expect(m).toMatchObject({ ttftP50Ms: 175, ttftP99Ms: 375, outputTokensPerSec: 120, stage: 'c=4' });
  });

  it('is empty for no rows', () => {
    expect(mergeHistories([{ rows: [] }, { rows: [] }])).toEqual([]);
  });
});

describe('mergeLatencyStats', () => {
  it('is exact for count, min, max and mean, and never puts a percentile above the max', () => {
    const s = mergeLatencyStats([
      { count: 10, min: 1, mean: 2, p50: 2, p90: 3, p95: 3, p99: 4, p999: 4, max: 4 },
      { count: 30, min: 0.5, mean: 6, p50: 5, p90: 8, p95: 9, p99: 10, p999: 10, max: 10 },
      { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 },
    ]);
    expect(s).toMatchObject({ count: 40, min: 0.5, max: 10, mean: 5 });
    expect(s.p999).toBeLessThanOrEqual(s.max);
  });
});

describe('mergeStages', () => {
  it('merges stages by name, summing counts and rates', () => {
    const ep = (requests: number, rps: number) => ({ name: '/x', method: 'GET', requests, failures: 1, aborted: 0, rps, failuresPerSec: 0, bytes: 10, latencyMs: { count: requests, min: 1, mean: 2, p50: 2, p90: 2, p95: 2, p99: 2, p999: 2, max: 2 } });
    const st = (name: string, requests: number, durationMs: number): StageSummary => ({ name, concurrency: 8, durationMs, total: ep(requests, requests / 10), endpoints: [ep(requests, requests / 10)] });
    const m = mergeStages([[st('c=8', 100, 10_000)], [st('c=8', 50, 10_500), st('c=16', 7, 1000)]])!;
    expect(m.map((s) => [s.name, s.total.requests, s.total.rps, s.durationMs, s.concurrency])).toEqual([
      ['c=8', 150, 15, 10_500, 8],
      ['c=16', 7, 0.7, 1000, 8],
    ]);
    expect(mergeStages([undefined, undefined])).toBeUndefined();
  });
});
