import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../src/metrics/compact-histogram.js';
import { createHistogram, HIGHEST_TRACKABLE_US } from '../../../src/metrics/histogram.js';

describe('LatencyHistogram sparse index', () => {
  it("puts every value in the bucket hdr-histogram-js's countsArrayIndex gives, edges included", () => {
    const lib = createHistogram() as unknown as { countsArrayIndex(us: number): number };
    const values = [1, 2, 2047, 2048, 2049, 4095, 4096, 65535, 65536, 1_000_000, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1 > HIGHEST_TRACKABLE_US ? HIGHEST_TRACKABLE_US : 2 ** 32 - 1];
    for (let i = 0; i < 20_000; i++) values.push(1 + Math.floor(((i * 2654435761) % 1e9) * (HIGHEST_TRACKABLE_US / 1e9)));
    for (const us of values) {
      const h = new LatencyHistogram();
      h.recordMs(us / 1000);
      expect(h.buckets()![0], `${us} µs`).toBe(lib.countsArrayIndex(us));
    }
  });
});
