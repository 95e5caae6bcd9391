import { join } from 'node:path';
import type { RunSummary } from '../../metrics/summary-types.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { reportHtml } from '../html/report-html.js';
import type { Reporter } from '../../metrics/reporter.js';
import { failuresCsv } from './failures-csv.js';
import { historyCsv } from './history-csv.js';
import { junitXml } from './junit-xml.js';
import { statsCsv } from './stats-csv.js';
import { llmCsv } from './llm-csv.js';

/** The report files, by format name (`--format html,csv,junit`). */
export const REPORT_FORMATS = {
  csv: [
    ['stats.csv', statsCsv],
    ['history.csv', historyCsv],
    ['failures.csv', failuresCsv],
    ['llm.csv', llmCsv],
  ],
  junit: [['junit.xml', junitXml]],
  html: [['report.html', reportHtml]],
} as const satisfies Record<string, ReadonlyArray<readonly [string, (s: RunSummary) => string | undefined]>>;

export type ReportFormat = keyof typeof REPORT_FORMATS;
export const ALL_REPORT_FORMATS = Object.keys(REPORT_FORMATS) as ReportFormat[];

/**
 * Writes the report files of `formats` (default: all) that apply to the run into `dir`, each atomically.
 * Returns the paths written, in order.
 */
export function writeReports(summary: RunSummary, dir: string, formats: readonly ReportFormat[] = ALL_REPORT_FORMATS): string[] {
  const written: string[] = [];
  for (const format of formats) {
    for (const [file, render] of REPORT_FORMATS[format]) {
      // A file that does not apply to the run (llm.csv without LLM requests) is not written.
      const text = render(summary);
      if (text === undefined) continue;
      const path = join(dir, file);
      writeFileAtomic(path, text);
      written.push(path);
    }
  }
  return written;
}

/** A reporter that writes the report files into `dir` when the run ends (summary.json is the engine's). */
export function createFileReporter(dir: string, formats?: readonly ReportFormat[]): Reporter {
  return {
    onRunEnd(summary) {
      writeReports(summary, dir, formats);
    },
  };
}
