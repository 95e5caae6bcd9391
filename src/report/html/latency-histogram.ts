import { bucketCounts, createHistogram, decodeHistogram } from '../../metrics/histogram.js';
import type { RunSummary } from '../../metrics/summary-types.js';
import { formatMsCompact } from '../format-number.js';
import type { ChartSpec } from './charts.js';

const BUCKETS = 24;

/**
 * The distribution of every request's latency, from the summary's exact HDR
 * histograms merged: counts in log-spaced buckets from the fastest request to the
 * slowest (latency spreads over orders of magnitude; equal-width buckets would
 * put nearly all of it in the first bar).
 */
export function latencyHistogramChart(summary: RunSummary): ChartSpec | undefined {
  const encoded = summary.histograms?.endpoints ?? [];
  if (encoded.length === 0) return undefined;
  const all = createHistogram();
  for (const e of encoded) all.add(decodeHistogram(e.latency, e));
  if (all.totalCount === 0) return undefined;
  const lo = Math.max(1, all.minNonZeroValue);
  const hi = Math.max(lo + 1, all.maxValue);
  const ratio = Math.pow(hi / lo, 1 / BUCKETS);
  const edges = Array.from({ length: BUCKETS + 1 }, (_, k) => (k === BUCKETS ? hi + 1 : lo * Math.pow(ratio, k)));
  const counts = bucketCounts(all, edges);
  const label = (k: number) => `${formatMsCompact(edges[k]! / 1000)}–${formatMsCompact(Math.min(hi, edges[k + 1]!) / 1000)}`;
  return {
    id: 'chart-latency-histogram',
    title: 'Latency distribution',
    caption: `All ${all.totalCount.toLocaleString('en-US')} requests, in log-spaced buckets (ms).`,
    config: {
      type: 'bar',
      data: { labels: counts.map((_, k) => label(k)), datasets: [{ label: 'requests', data: counts, borderColor: '#2563eb', backgroundColor: '#2563eb99', borderWidth: 1 }] },
      options: {
        scales: { x: { type: 'category', title: { display: true, text: 'response time (ms)' }, grid: { display: false } }, y: { beginAtZero: true, title: { display: true, text: 'requests' } } },
        plugins: { legend: { display: false } },
      },
    },
  };
}
