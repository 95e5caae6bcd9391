import type { RunConfig } from '../config/resolve.js';
import { nothingCompleted } from '../engine/verdict.js';
import { ExitCode } from '../errors.js';
import { taskTotals } from '../metrics/summarize.js';
import type { RunSummary } from '../metrics/summary-types.js';
import { writeSummaryJson } from '../report/files/summary-file.js';
import { secretValues } from '../util/secret-values.js';

/** Writes summary.json atomically, redacted (one writer for bench run and bench merge). */
export const writeSummary = writeSummaryJson;
export { secretValues };

/**
 * The process exit code of a finished run (docs/exit-codes.md), the whole rule:
 * a failure of Volley's own (`internalError`) outranks everything; a run the
 * run guard stopped (`userStop`: every request refused or unreachable) is a user
 * error; an interrupted run did not finish, whatever its figures.
 */
export function exitCodeFor(summary: RunSummary, cfg: RunConfig, ended: { internalError?: string; userStop?: unknown } = {}): number {
  if (ended.internalError !== undefined) return ExitCode.InternalError;
  if (ended.userStop) return ExitCode.UserError;
  if (summary.meta.interrupted) return ExitCode.Interrupted;
  // --find-capacity: the answer is the verdict; requests failing at levels past capacity are expected (docs/capacity.md).
  if (summary.capacity) return summary.capacity.value === null ? ExitCode.RequestsFailed : ExitCode.Success;
  if (summary.thresholds?.some((t) => !t.ok)) return ExitCode.ThresholdsCrossed;
  // Not --exit-code-on-error: that one forgives failed requests, and here none even completed.
  if (nothingCompleted(summary)) return ExitCode.RequestsFailed;
  if (summary.total.failures > 0 || taskTotals(summary.tasks).errors > 0) return cfg.exitCodeOnError;
  return ExitCode.Success;
}
