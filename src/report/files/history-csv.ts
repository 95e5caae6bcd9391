import { stringify } from 'csv-stringify/sync';
import type { HistoryRow, RunSummary } from '../../metrics/summary-types.js';
import { serverColumns } from './server-columns.js';

interface Column {
  header: string;
  value: (row: HistoryRow) => string | number | null | undefined;
  /** Columns for data only some runs have are written only when a row has it. */
  optional?: boolean;
}

/**
 * history.csv: one row per second of `summary.history`. The first columns follow
 * Locust's stats_history.csv (Type is empty and Name "Aggregated", as Locust writes
 * for the totals); the percentiles we keep per second are 50/95/99.
 */
const COLUMNS: Column[] = [
  { header: 'Timestamp', value: (r) => r.timestamp },
  { header: 'Elapsed (s)', value: (r) => r.t },
  { header: 'User Count', value: (r) => r.users },
  { header: 'Type', value: () => '' },
  { header: 'Name', value: () => 'Aggregated' },
  { header: 'Requests/s', value: (r) => r.rps },
  { header: 'Failures/s', value: (r) => r.failuresPerSec },
  { header: '50%', value: (r) => r.p50Ms },
  { header: '95%', value: (r) => r.p95Ms },
  { header: '99%', value: (r) => r.p99Ms },
  { header: 'Stage', value: (r) => r.stage, optional: true },
  { header: 'TTFT 50%', value: (r) => r.ttftP50Ms, optional: true },
  { header: 'TTFT 99%', value: (r) => r.ttftP99Ms, optional: true },
  { header: 'Output Tokens/s', value: (r) => r.outputTokensPerSec, optional: true },
  { header: 'Action', value: (r) => r.action, optional: true },
];

export function historyCsv(summary: RunSummary): string {
  const columns = COLUMNS.filter((c) => !c.optional || summary.history.some((r) => c.value(r) !== undefined && c.value(r) !== null));
  columns.push(...serverColumns(summary.history));
  // A second without a completed request has no latency: an empty cell, not 0.
  const rows = summary.history.map((r) => columns.map((c) => c.value(r) ?? ''));
  return stringify([columns.map((c) => c.header), ...rows]);
}
