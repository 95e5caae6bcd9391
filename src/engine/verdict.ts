import type { RunSummary } from '../metrics/summary-types.js';

/**
 * A run in which nothing completed must not pass: a server that never
 * answers gives 0 completed requests and only requests aborted at the stop,
 * which are not failures. docs/exit-codes.md states the rule.
 */
export function nothingCompleted(summary: RunSummary): boolean {
  return summary.total.requests === 0 && summary.total.aborted > 0;
}

/** Records the requests cut short at the stop, and says in the stop reason when nothing completed. */
export function applyStopVerdict(summary: RunSummary): void {
  const aborted = summary.total.aborted;
  if (aborted > 0) summary.meta.abortedAtStop = aborted;
  if (nothingCompleted(summary)) summary.meta.stopReason += `; no request completed (${aborted} aborted at the stop)`;
}
