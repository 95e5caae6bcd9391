import { stringify } from 'csv-stringify/sync';
import type { RunSummary } from '../../metrics/summary-types.js';
import { errorText } from '../error-text.js';

/** Locust's `--csv` failures columns, in its order. */
export const FAILURES_CSV_COLUMNS = ['Method', 'Name', 'Error', 'Occurrences'] as const;

/**
 * failures.csv: one row per distinct (method, name, error message), most
 * frequent first, as Locust's `_failures.csv`. Exceptions thrown by tasks are
 * rows too, with the method `TASK` and where the scenario threw them after the
 * message (`… (at scenarios/shop.ts:14)`; Locust keeps those in a separate
 * exceptions file; summary.json has their first stack frames). The header
 * alone when nothing failed.
 */
export function failuresCsv(summary: RunSummary): string {
  const rows = [...summary.errors]
    .sort((a, b) => b.count - a.count || cmp(a.name, b.name) || cmp(a.method, b.method) || cmp(a.message, b.message))
    .map((e) => [e.method, e.name, errorText(e), e.count]);
  return stringify([[...FAILURES_CSV_COLUMNS], ...rows]);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
