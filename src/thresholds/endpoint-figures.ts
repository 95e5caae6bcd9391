import { decodeHistogram, latencyStats, createHistogram, type LatencyStats } from '../metrics/histogram.js';
import type { EndpointSummary, RunSummary } from '../metrics/summary-types.js';
import type { LiveSnapshot } from '../metrics/live-snapshot.js';

export interface EndpointFigures {
  requests: number;
  failures: number;
  rps: number;
  latencyMs: LatencyStats;
}

/**
 * The figures of every endpoint a threshold's name selects. `"POST /cart"` selects
 * that method and name; `"/cart"` selects the name under every method, so one
 * threshold can cover GET and POST together. Null when nothing matches.
 */
export function endpointFigures(view: RunSummary | LiveSnapshot, key: string): EndpointFigures | null {
  const matched = view.endpoints.filter((e) => e.name === key || `${e.method} ${e.name}` === key);
  if (matched.length === 0) return null;
  if (matched.length === 1) return matched[0]!;
  let requests = 0;
  let failures = 0;
  let rps = 0;
  for (const e of matched) {
    requests += e.requests;
    failures += e.failures;
    rps += e.rps;
  }
  return { requests, failures, rps, latencyMs: mergedLatency(view, matched) };
}

/**
 * Percentiles cannot be combined from percentiles. A summary carries the encoded
 * histograms, so the merge is exact there; a live snapshot does not, so we take
 * the worst of each statistic, which never lets a latency limit pass wrongly.
 */
function mergedLatency(view: RunSummary | LiveSnapshot, matched: EndpointSummary[]): LatencyStats {
  if ('histograms' in view) {
    const keys = new Set(matched.map((e) => `${e.method} ${e.name}`));
    const encoded = view.histograms.endpoints.filter((h) => keys.has(`${h.method} ${h.name}`) && h.latency !== '');
    if (encoded.length === matched.filter((e) => e.requests > 0).length && encoded.length > 0) {
      try {
        const merged = createHistogram();
        for (const h of encoded) merged.add(decodeHistogram(h.latency, h));
        return latencyStats(merged);
      } catch {
        // A damaged histogram falls through to the conservative merge below.
      }
    }
  }
  const withData = matched.filter((e) => e.latencyMs.count > 0);
  const worst = (pick: (s: LatencyStats) => number): number => Math.max(0, ...withData.map((e) => pick(e.latencyMs)));
  const count = withData.reduce((n, e) => n + e.latencyMs.count, 0);
  return {
    count,
    min: withData.length ? Math.min(...withData.map((e) => e.latencyMs.min)) : 0,
    mean: count ? withData.reduce((s, e) => s + e.latencyMs.mean * e.latencyMs.count, 0) / count : 0,
    p50: worst((s) => s.p50),
    p90: worst((s) => s.p90),
    p95: worst((s) => s.p95),
    p99: worst((s) => s.p99),
    p999: worst((s) => s.p999),
    max: worst((s) => s.max),
  };
}
