import type { RunSummary } from '../metrics/summary-types.js';
import { failuresCsv } from '../report/files/failures-csv.js';
import { statsCsv } from '../report/files/stats-csv.js';
import { reportHtml } from '../report/html/report-html.js';

/** The finished run's files the page offers (GET /api/files/<name>). */
export const DOWNLOADS = ['summary.json', 'stats.csv', 'failures.csv', 'report.html'] as const;
export type DownloadName = (typeof DOWNLOADS)[number];

/** A file as `bench run --out` writes it, made from the run's summary with the same writers. */
export function renderDownload(name: DownloadName, summary: RunSummary): { type: string; text: string } {
  switch (name) {
    case 'summary.json':
      return { type: 'application/json; charset=utf-8', text: JSON.stringify(summary, null, 2) + '\n' };
    case 'stats.csv':
      return { type: 'text/csv; charset=utf-8', text: statsCsv(summary) };
    case 'failures.csv':
      return { type: 'text/csv; charset=utf-8', text: failuresCsv(summary) };
    case 'report.html':
      return { type: 'text/html; charset=utf-8', text: reportHtml(summary) };
  }
}
