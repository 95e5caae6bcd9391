import { describe, expect, it } from 'vitest';
import { createHistogram, decodeHistogram, encodeHistogram, exactRange, latencyStats, recordMs, type Histogram } from '../../../src/metrics/histogram.js';
import { seededRandom } from '../../../src/util/random.js';

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** latencyStats as the library computes it: its own mean and getValueAtPercentile. */
function reference(h: Histogram) {
  const max = h.maxValue;
  const p = (q: number): number => round3(Math.min(h.getValueAtPercentile(q), max) / 1000);
  return {
    count: h.totalCount,
    min: round3(h.minNonZeroValue / 1000),
    mean: round3(h.mean / 1000),
    p50: p(50),
    p90: p(90),
    p95: p(95),
    p99: p(99),
    p999: p(99.9),
    max: round3(max / 1000),
  };
}

describe('latencyStats', () => {
  const random = seededRandom(5);
  const shapes: Record<string, () => number> = {
    'uniform 0–10 ms': () => random() * 10,
    'exponential, mean 50 ms': () => -Math.log(1 - random()) * 50,
    'heavy tail to minutes': () => Math.pow(random(), -3) * 2,
    'one value': () => 12.5,
    'sub-microsecond to hours': () => Math.pow(10, random() * 10 - 4),
  };

  for (const [name, draw] of Object.entries(shapes)) {
    for (const n of [1, 2, 7, 100, 1000, 20_000]) {
      it(`equals the library's mean and percentiles (${name}, ${n} values)`, () => {
        const h = createHistogram();
        for (let i = 0; i < n; i++) recordMs(h, draw());
        expect(latencyStats(h)).toEqual(reference(h));
      });
    }
  }

  it('equals the library on a decoded histogram carrying exact extremes, and on a merge', () => {
    const a = createHistogram();
    const b = createHistogram();
    for (let i = 0; i < 5000; i++) recordMs(a, 1 + random() * 300);
    for (let i = 0; i < 3000; i++) recordMs(b, 200 + random() * 900);
    const da = decodeHistogram(encodeHistogram(a), exactRange(a));
    const db = decodeHistogram(encodeHistogram(b), exactRange(b));
    expect(latencyStats(da)).toEqual(reference(da));
    da.add(db);
    expect(latencyStats(da)).toEqual(reference(da));
    expect(latencyStats(da).max).toBe(round3(b.maxValue / 1000));
  });

  it('is all zeros for an empty or missing histogram', () => {
    const zero = { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
    expect(latencyStats(undefined)).toEqual(zero);
    expect(latencyStats(createHistogram())).toEqual(zero);
  });
});
