import type { LiveSnapshot } from '../metrics/live.js';
import type { HistoryRow, RunSummary } from '../metrics/summary-types.js';
import { historyCharts, type ChartSpec } from '../report/html/charts.js';

/** One history row from a live snapshot, as history.csv has it (engine/live.ts builds the run's own). */
export function rowFromSnapshot(s: LiveSnapshot): HistoryRow {
  const row: HistoryRow = {
    t: Math.round(s.elapsedMs / 100) / 10,
    timestamp: new Date().toISOString(),
    users: s.users,
    rps: Math.round(s.interval.rps * 1000) / 1000,
    failuresPerSec: Math.round(s.interval.failuresPerSec * 1000) / 1000,
    p50Ms: s.interval.rps > 0 ? s.interval.p50Ms : null,
    p95Ms: s.interval.rps > 0 ? s.interval.p95Ms : null,
    p99Ms: s.interval.rps > 0 ? s.interval.p99Ms : null,
  };
  if (s.llmInterval && s.llmInterval.ttftP50Ms > 0) {
    row.ttftP50Ms = s.llmInterval.ttftP50Ms;
    row.ttftP99Ms = s.llmInterval.ttftP99Ms;
    row.outputTokensPerSec = Math.round(s.llmInterval.outputTokensPerSec * 10) / 10;
  }
  if (s.stage) row.stage = s.stage;
  return row;
}

/**
 * The report's own chart specs (report/html/charts.ts) over these rows, so the
 * live view and report.html draw the same charts. The page creates a chart from
 * the first spec of an id and appends the points of later ones.
 */
export function liveCharts(history: readonly HistoryRow[]): ChartSpec[] {
  return historyCharts({ history, stages: [] } as unknown as RunSummary);
}
