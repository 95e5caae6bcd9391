import { createHistogram, decodeHistogram, type Histogram } from '../../metrics/histogram.js';
import type { RunSummary } from '../../metrics/summary-types.js';

/** A percentile lookup in milliseconds, for q in 0..100. */
export type PercentileFn = (q: number) => number;

/**
 * Exact percentiles of one endpoint, or of all (`method: null`), from the encoded
 * histograms in the summary. Null when the summary has none for it, or one cannot
 * be decoded; callers fall back to the fixed LatencyStats.
 */
export function histogramPercentiles(summary: RunSummary, method: string | null, name: string): PercentileFn | null {
  const entries = summary.histograms?.endpoints ?? [];
  // summary.json has no entry for all endpoints: merging theirs is exact.
  const picked = method !== null ? entries.filter((e) => e.method === method && e.name === name) : entries;
  const encoded = picked.filter((e) => e.latency !== '');
  if (encoded.length === 0) return null;
  let h: Histogram;
  try {
    h = encoded.length === 1 ? decodeHistogram(encoded[0]!.latency, encoded[0]) : encoded.reduce((acc, e) => (acc.add(decodeHistogram(e.latency, e)), acc), createHistogram());
  } catch {
    return null;
  }
  if (h.totalCount === 0) return null;
  const max = h.maxValue;
  // Same rule as latencyStats: a percentile never exceeds the max; µs → ms.
  return (q) => Math.round(Math.min(h.getValueAtPercentile(q), max)) / 1000;
}
