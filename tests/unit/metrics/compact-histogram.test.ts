import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram, SPARSE_BUCKETS } from '../../../src/metrics/compact-histogram.js';
import { createHistogram, decodeHistogram, encodeHistogram, exactRange, latencyStats, recordMs } from '../../../src/metrics/histogram.js';
import { seededRandom } from '../../../src/util/random.js';

describe('LatencyHistogram', () => {
  const random = seededRandom(17);
  for (const n of [1, 5, 200, 5000]) {
    it(`has the figures and encoding of a full histogram fed the same ${n} values`, () => {
      const compact = new LatencyHistogram();
      const full = createHistogram();
      for (let i = 0; i < n; i++) {
        const ms = -Math.log(1 - random()) * 40;
        compact.recordMs(ms);
        recordMs(full, ms);
      }
      expect(compact.isFull).toBe(n > SPARSE_BUCKETS);
      expect(compact.totalCount).toBe(n);
      expect(compact.stats()).toEqual(latencyStats(full));
      expect(compact.range()).toEqual(exactRange(full));
      expect(decodeHistogram(compact.encode()).totalCount).toBe(n);
      expect(latencyStats(decodeHistogram(compact.encode(), compact.range()))).toEqual(latencyStats(decodeHistogram(encodeHistogram(full), exactRange(full))));
      compact.release();
    });
  }

  it('stays sparse for a few values: no full histogram is made', () => {
    const hs = Array.from({ length: 1000 }, (_, i) => {
      const h = new LatencyHistogram();
      h.recordMs(1 + i / 10);
      return h;
    });
    expect(hs.every((h) => !h.isFull)).toBe(true);
    // Reading them reuses one scratch histogram and leaves it empty: the second read is the same.
    expect(hs[3]!.stats()).toEqual(hs[3]!.stats());
    expect(hs[3]!.stats().count).toBe(1);
  });

  it('merges sparse into sparse, sparse into full, full into sparse, and buckets round-trip, exactly', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const ref = createHistogram();
    for (let i = 0; i < 3000; i++) {
      const ms = random() * 900;
      (i % 3 === 0 ? a : b).recordMs(ms);
      recordMs(ref, ms);
    }
    expect(b.isFull).toBe(true);
    const sum = new LatencyHistogram();
    sum.add(a); // sparse into sparse
    sum.add(b); // full into sparse: becomes full
    expect(sum.stats()).toEqual(latencyStats(ref));
    const c = new LatencyHistogram();
    c.recordMs(0.5);
    const again = new LatencyHistogram();
    again.addBuckets(c.buckets()!, c.range());
    again.addHistogram(decodeHistogram(sum.encode(), sum.range()));
    recordMs(ref, 0.5);
    expect(again.stats()).toEqual(latencyStats(ref));
    for (const h of [a, b, sum, c, again]) h.release();
  });

  it('adds a histogram of another shape by value, as the library does', () => {
    const other = hdr.build({ useWebAssembly: false, bitBucketSize: 32, lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 2 });
    other.recordValue(1234);
    other.recordValue(56_789);
    const h = new LatencyHistogram();
    h.addHistogram(other);
    const ref = createHistogram();
    ref.add(other);
    expect(h.stats()).toEqual(latencyStats(ref));
  });

  it('clear keeps a full histogram, release lets it go', () => {
    const h = new LatencyHistogram();
    h.toFull();
    h.recordMs(3);
    h.clear();
    expect([h.isFull, h.totalCount]).toEqual([true, 0]);
    h.release();
    h.recordMs(4);
    expect([h.isFull, h.totalCount, h.stats().max]).toEqual([false, 1, 4]);
  });
});
