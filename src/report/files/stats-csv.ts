import { stringify } from 'csv-stringify/sync';
import type { EndpointSummary, RunSummary } from '../../metrics/summary-types.js';
import type { LatencyStats } from '../../metrics/histogram.js';
import { histogramPercentiles, type PercentileFn } from './percentiles.js';

/** Locust's `--csv` stats columns, in Locust's order, so existing tooling reads our file. */
export const STATS_CSV_COLUMNS = [
  'Type', 'Name', 'Request Count', 'Failure Count', 'Median Response Time', 'Average Response Time',
  'Min Response Time', 'Max Response Time', 'Average Content Size', 'Requests/s', 'Failures/s',
  '50%', '66%', '75%', '80%', '90%', '95%', '98%', '99%', '99.9%', '99.99%', '100%',
] as const;

const PERCENTILES = [50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99, 100];

/** What LatencyStats holds, for when the summary has no histogram to read the others from. */
const FROM_STATS: Record<number, keyof LatencyStats> = { 50: 'p50', 90: 'p90', 95: 'p95', 99: 'p99', 99.9: 'p999', 100: 'max' };

/**
 * stats.csv: one row per endpoint sorted like Locust (by name, then method), then
 * the `Aggregated` row. Times are milliseconds. Percentiles come from the encoded
 * histograms when the summary has them, else from LatencyStats, with "N/A" (as
 * Locust writes) for those LatencyStats lacks.
 */
export function statsCsv(summary: RunSummary): string {
  const endpoints = [...summary.endpoints].sort((a, b) => (a.name === b.name ? cmp(a.method, b.method) : cmp(a.name, b.name)));
  const rows = endpoints.map((e) => statsRow(e, e.method, e.name, histogramPercentiles(summary, e.method, e.name)));
  rows.push(statsRow(summary.total, '', 'Aggregated', histogramPercentiles(summary, null, '')));
  return stringify([[...STATS_CSV_COLUMNS], ...rows]);
}

function statsRow(e: EndpointSummary, type: string, name: string, percentile: PercentileFn | null): Array<string | number> {
  const s = e.latencyMs;
  const none = s.count === 0;
  const percentiles = PERCENTILES.map((q) => {
    if (none) return 'N/A';
    // A decoded histogram's max is the top of its bucket; never print more than the recorded max.
    if (percentile) return Math.min(percentile(q), s.max);
    const field = FROM_STATS[q];
    return field ? s[field] : 'N/A';
  });
  return [
    type, name, e.requests, e.failures, s.p50, round(s.mean), s.min, s.max,
    round(e.requests > 0 ? e.bytes / e.requests : 0), round(e.rps), round(e.failuresPerSec), ...percentiles,
  ];
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
