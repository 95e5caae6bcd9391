import { describe, expect, it } from 'vitest';
import { MetricsAggregate } from '../../../src/metrics/aggregate.js';
import { createHistogram, decodeHistogram, encodeHistogram, latencyStats, recordMs } from '../../../src/metrics/histogram.js';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import { seededRandom } from '../../../src/util/random.js';

const PERCENTILES = [0, 0.1, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100];

/** Latencies in ms spread over six orders of magnitude: mostly fast, a long tail, a few outliers. */
function sample(random: () => number): number {
  const r = random();
  if (r < 0.001) return 1000 + random() * 59_000;
  if (r < 0.05) return 50 + random() * 950;
  return Math.exp(random() * Math.log(50)) * (0.02 + random());
}

/** N workers' recorders fed random samples, their deltas merged as the orchestrator does, and one histogram fed every sample. */
function mergeAndSingle(workers: number) {
  const random = seededRandom(1234 + workers);
  const recorders = Array.from({ length: workers }, () => new MetricsRecorder());
  const single = createHistogram();
  const total = new MetricsAggregate();
  let interval = new MetricsAggregate();
  // Workers send a delta every "second"; the main thread folds each interval into the totals.
  for (let second = 0; second < 5; second++) {
    for (const rec of recorders) {
      const n = Math.floor(random() * 3000);
      for (let i = 0; i < n; i++) {
        const ms = sample(random);
        rec.recordRequest({ method: 'GET', name: '/x', durationMs: ms, bytes: 10 });
        recordMs(single, ms);
      }
      interval.addDelta(rec.takeDelta());
    }
    total.addAggregate(interval);
    interval = new MetricsAggregate();
  }
  return { total, merged: total.endpoint('GET', '/x').latency.toFull(), single };
}

describe('merging worker histograms', () => {
  it.each([1, 2, 4, 7])('every percentile of %d merged workers equals that of one histogram fed every sample', (workers) => {
    const { total, merged, single } = mergeAndSingle(workers);
    expect(merged.totalCount).toBe(single.totalCount);
    expect(merged.totalCount).toBeGreaterThan(0);
    for (const p of PERCENTILES) expect(merged.getValueAtPercentile(p), `p${p}`).toBe(single.getValueAtPercentile(p));
    expect(merged.mean).toBe(single.mean);
    expect(merged.minNonZeroValue).toBe(single.minNonZeroValue);
    const [m, s] = [latencyStats(merged), latencyStats(single)];
    expect([m.count, m.min, m.mean, m.p50, m.p90, m.p95, m.p99]).toEqual([s.count, s.min, s.mean, s.p50, s.p90, s.p95, s.p99]);
    expect(total.total().latency.toFull().getValueAtPercentile(99.9)).toBe(single.getValueAtPercentile(99.9));
    // Whatever the merge, no percentile is reported above the max.
    for (const p of [m.p50, m.p90, m.p95, m.p99, m.p999]) expect(p).toBeLessThanOrEqual(m.max);
  });

  // The encoded deltas carry bucket counts only (a decoded max is the top of its bucket,
  // e.g. 53379.071 ms where the slowest request took 53359.354 ms): the exact min and max
  // travel beside them, so the merged statistics are those of the samples.
  it.each([1, 2, 4, 7])('reports the exact min and max (and the percentiles clamped to it) after merging %d workers', (workers) => {
    const { total, merged, single } = mergeAndSingle(workers);
    expect(latencyStats(merged)).toEqual(latencyStats(single));
    expect(total.total().latency.stats()).toEqual(latencyStats(single));
    expect([merged.maxValue, merged.minNonZeroValue]).toEqual([single.maxValue, single.minNonZeroValue]);
  });

  it('keeps exact trend extremes too, and ignores extremes outside the decoded buckets', () => {
    const rec = new MetricsRecorder();
    rec.recordTrend('ttft', 53_359.354);
    rec.recordTrend('ttft', 1.2345);
    const delta = rec.takeDelta();
    expect(delta.trends[0]).toMatchObject({ name: 'ttft', minUs: 1235, maxUs: 53_359_354 });
    const agg = new MetricsAggregate();
    agg.addDelta(delta);
    expect([agg.trendStats('ttft').min, agg.trendStats('ttft').max]).toEqual([1.235, 53_359.354]);
    // Without them (older summaries), or with ones that contradict the buckets, the buckets' extremes.
    const plain = decodeHistogram(delta.trends[0]!.histogram);
    expect(plain.maxValue).toBeGreaterThan(53_359_354);
    expect(decodeHistogram(delta.trends[0]!.histogram, { maxUs: 99_000_000, minUs: 7 }).maxValue).toBe(plain.maxValue);
    expect(decodeHistogram(delta.trends[0]!.histogram, { maxUs: 99_000_000, minUs: 7 }).minNonZeroValue).toBe(plain.minNonZeroValue);
  });

  it('merges counts, bytes, failures, errors, checks, counters, trends and task runs', () => {
    const a = new MetricsRecorder();
    const b = new MetricsRecorder();
    for (const rec of [a, b]) {
      rec.recordRequest({ method: 'GET', name: '/x', durationMs: 1, bytes: 100 });
      rec.recordRequest({ method: 'GET', name: '/x', durationMs: 2, bytes: 50, error: 'HTTP 500' });
      rec.recordRequest({ method: 'GET', name: '/x', durationMs: 3, bytes: 7, aborted: true });
      rec.recordCheck('ok', true);
      rec.recordCheck('ok', false);
      rec.add('hits', 2);
      rec.recordTrend('queue', 5);
      rec.recordTask('browse');
    }
    const agg = new MetricsAggregate();
    agg.addDelta(a.takeDelta());
    agg.addDelta(b.takeDelta());
    const e = agg.endpoint('GET', '/x');
    expect([e.requests, e.failures, e.aborted, e.bytes]).toEqual([4, 2, 2, 314]);
    expect([...agg.errors.values()]).toEqual([{ method: 'GET', name: '/x', message: 'HTTP 500', count: 2 }]);
    expect(agg.checks).toEqual({ ok: [2, 2] });
    expect(agg.counters).toEqual({ hits: 4 });
    expect(agg.tasks).toEqual({ browse: 2 });
    expect(agg.trendStats('queue').count).toBe(2);
  });

  it('starts a new interval after each delta', () => {
    const rec = new MetricsRecorder();
    rec.recordRequest({ method: 'GET', name: '/x', durationMs: 1, bytes: 1 });
    expect(rec.takeDelta().endpoints).toHaveLength(1);
    const empty = rec.takeDelta();
    expect(empty.endpoints).toEqual([]);
    expect(empty.tasks).toEqual({});
  });

  it('survives encoding: a decoded histogram has the same percentiles', () => {
    const h = createHistogram();
    const random = seededRandom(7);
    for (let i = 0; i < 5000; i++) recordMs(h, sample(random));
    const d = decodeHistogram(encodeHistogram(h));
    for (const p of PERCENTILES.slice(0, -1)) expect(d.getValueAtPercentile(p), `p${p}`).toBe(h.getValueAtPercentile(p));
  });
});

describe('latencyStats', () => {
  it('never reports a percentile above the max (unlike Locust)', () => {
    const h = createHistogram();
    recordMs(h, 123.456);
    // HDR reports the top of the value's bucket, which is above the recorded max...
    expect(h.getValueAtPercentile(99)).toBeGreaterThan(h.maxValue);
    // ...so the statistics clamp to it.
    const s = latencyStats(h);
    expect(s.max).toBe(123.456);
    for (const p of [s.p50, s.p90, s.p95, s.p99, s.p999]) expect(p).toBe(s.max);
  });

  it('keeps min <= p50 <= p90 <= p95 <= p99 <= p99.9 <= max on any data', () => {
    const random = seededRandom(99);
    for (let run = 0; run < 20; run++) {
      const h = createHistogram();
      const n = 1 + Math.floor(random() * 500);
      for (let i = 0; i < n; i++) recordMs(h, sample(random));
      const s = latencyStats(h);
      const ordered = [s.min, s.p50, s.p90, s.p95, s.p99, s.p999, s.max];
      expect([...ordered].sort((x, y) => x - y)).toEqual(ordered);
    }
  });

  it('records whole microseconds, clamped to the trackable range', () => {
    const h = createHistogram();
    recordMs(h, 0);
    recordMs(h, 0.0004);
    recordMs(h, 1e12);
    expect(h.minNonZeroValue).toBe(1);
    expect(latencyStats(h).max).toBeCloseTo(3_600_000, -1);
  });

  it('is all zeros for an empty histogram', () => {
    expect(latencyStats(undefined)).toEqual({ count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 });
  });
});
