import type { Reporter } from '../../metrics/reporter.js';

type Writers = typeof import('./write-reports.js');
let loading: Promise<Writers> | undefined;

/**
 * The report writers (HTML with its charts, CSV, JUnit), loaded when a run
 * ends rather than before its first request: they are a good part of the
 * modules a run would otherwise load at start-up (docs/benchmarks.md#start-up).
 */
export function loadReportWriters(): Promise<Writers> {
  return (loading ??= import('./write-reports.js'));
}

/** createFileReporter's reporter, its writers loaded at the end of the run. */
export function createLazyFileReporter(dir: string): Reporter {
  return {
    async onRunEnd(summary) {
      (await loadReportWriters()).writeReports(summary, dir);
    },
  };
}
