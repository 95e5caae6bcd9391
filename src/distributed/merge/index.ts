import { resolve } from 'node:path';
import type { ThresholdSpec } from '../../api/options.js';
import { UserError } from '../../errors.js';
import { readSummaryJson, writeSummaryJson } from '../../report/files/summary-file.js';
import { writeReports } from '../../report/files/write-reports.js';
import { mergeSummaries, type MergeResult } from './merge.js';

export { mergeSummaries, type MergedSummary, type MergeInput, type MergeResult, type InstanceMeta } from './merge.js';
export { aggregateFromSummary, aggregateToDelta, summaryFromAggregate } from './aggregate-io.js';

export interface MergeRunsRequest {
  /** Result folders (or summary.json files) of the instances. */
  inputs: string[];
  /** Folder for the merged summary.json and reports. */
  out: string;
  thresholds?: ThresholdSpec[];
}

/**
 * The API under `bench merge`: reads every instance's summary.json, merges
 * them exactly, and writes summary.json (atomically) and the report files
 * (HTML, CSV, JUnit) into `out`.
 */
export function mergeRuns(req: MergeRunsRequest): MergeResult & { written: string[] } {
  const seen = new Map<string, string>();
  for (const input of req.inputs) {
    const abs = resolve(input).replace(/\/summary\.json$/, '');
    if (seen.has(abs)) throw new UserError(`${input} is given twice (as ${seen.get(abs)} too): its figures would count twice`, undefined, 'E_MERGE');
    seen.set(abs, input);
  }
  const result = mergeSummaries(req.inputs.map((source) => ({ source, summary: readSummaryJson(source) })), { thresholds: req.thresholds });
  const written = [writeSummaryJson(result.summary, req.out), ...writeReports(result.summary, req.out)];
  return { ...result, written };
}
