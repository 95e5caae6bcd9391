import type { LiveSnapshot } from '../metrics/live-snapshot.js';
import type { HistoryRow, RunSummary } from '../metrics/summary-types.js';
import { historyCharts, type ChartSpec } from '../report/html/charts.js';
import { historyRowOf } from '../metrics/snapshot-builder.js';
import { serverCharts } from '../report/html/telemetry-sections.js';

/** One history row from a live snapshot, as history.csv has it. */
export const rowFromSnapshot = (s: LiveSnapshot): HistoryRow => historyRowOf(s);

/**
 * The report's own chart specs (report/html/charts.ts) over these rows, so the
 * live view and report.html draw the same charts. The page creates a chart from
 * the first spec of an id and appends the points of later ones.
 */
export function liveCharts(history: readonly HistoryRow[]): ChartSpec[] {
  const summary = { history, stages: [] } as unknown as RunSummary;
  // The server's own figures (--server-metrics) live too, on the same time axis.
  return [...historyCharts(summary), ...serverCharts(summary)];
}

/** One second of an open model's arrivals, as the live chart draws it. */
export interface ArrivalPoint {
  t: number;
  targetPerSec: number | null;
  achievedPerSec: number;
  droppedPerSec: number;
}

/** The arrival point of a snapshot; undefined for a closed model. */
export function arrivalPoint(s: LiveSnapshot): ArrivalPoint | undefined {
  const a = s.arrivals;
  if (!a) return undefined;
  const r = (v: number): number => Math.round(v * 1000) / 1000;
  return { t: Math.round(s.elapsedMs / 100) / 10, targetPerSec: a.targetPerSec ?? null, achievedPerSec: r(a.achievedPerSec), droppedPerSec: r(a.droppedPerSec) };
}

const line = (label: string, color: string, data: Array<{ x: number; y: number | null }>, extra: Record<string, unknown> = {}) => ({
  label,
  data,
  borderColor: color,
  backgroundColor: `${color}22`,
  borderWidth: 1.75,
  pointRadius: 0,
  tension: 0,
  spanGaps: true,
  ...extra,
});

/** The open models' chart "Arrivals per second": the rate asked for, the one achieved, and the arrivals dropped. */
export function arrivalChart(points: readonly ArrivalPoint[]): ChartSpec[] {
  if (!points.length) return [];
  return [
    {
      id: 'chart-arrivals',
      title: 'Arrivals per second',
      config: {
        type: 'line',
        data: {
          datasets: [
            line('target', '#475569', points.map((p) => ({ x: p.t, y: p.targetPerSec })), { borderDash: [6, 3], stepped: true }),
            line('achieved', '#2563eb', points.map((p) => ({ x: p.t, y: p.achievedPerSec }))),
            line('dropped', '#dc2626', points.map((p) => ({ x: p.t, y: p.droppedPerSec }))),
          ],
        },
        options: {
          interaction: { mode: 'index', intersect: false },
          scales: { x: { type: 'linear', min: 0, title: { display: true, text: 'seconds since start' } }, y: { beginAtZero: true, title: { display: true, text: 'arrivals per second' } } },
        },
      },
    },
  ];
}
