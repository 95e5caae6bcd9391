import type { LiveSnapshot } from '../metrics/live-snapshot.js';
import type { HistoryRow, RunSummary } from '../metrics/summary-types.js';
import { historyCharts, type ChartSpec } from '../report/html/charts.js';
import { historyRowOf } from '../metrics/snapshot-builder.js';

/** One history row from a live snapshot, as history.csv has it. */
export const rowFromSnapshot = (s: LiveSnapshot): HistoryRow => historyRowOf(s);

/**
 * The report's own chart specs (report/html/charts.ts) over these rows, so the
 * live view and report.html draw the same charts. The page creates a chart from
 * the first spec of an id and appends the points of later ones.
 */
export function liveCharts(history: readonly HistoryRow[]): ChartSpec[] {
  return historyCharts({ history, stages: [] } as unknown as RunSummary);
}
