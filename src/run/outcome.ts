import { join } from 'node:path';
import type { RunConfig } from '../config/resolve.js';
import { nothingCompleted } from '../engine/verdict.js';
import { ExitCode, redact } from '../errors.js';
import { taskTotals } from '../metrics/summarize.js';
import type { RunSummary } from '../metrics/summary-types.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/** Writes summary.json atomically; secrets that reached the options are redacted. */
export function writeSummary(summary: RunSummary, dir: string): string {
  const path = join(dir, 'summary.json');
  writeFileAtomic(path, redact(JSON.stringify(summary, null, 2), secretValues()) + '\n');
  return path;
}

/** Values of environment variables that look like credentials: never written anywhere. */
export function secretValues(): string[] {
  return Object.entries(process.env)
    .filter(([k, v]) => v && /KEY|TOKEN|SECRET|PASSWORD/i.test(k))
    .map(([, v]) => v!);
}

/** The process exit code of a finished run (docs/exit-codes.md); an interrupted run did not finish, whatever its figures. */
export function exitCodeFor(summary: RunSummary, cfg: RunConfig): number {
  if (summary.meta.interrupted) return ExitCode.Interrupted;
  if (summary.thresholds?.some((t) => !t.ok)) return ExitCode.ThresholdsCrossed;
  // Not --exit-code-on-error: that one forgives failed requests, and here none even completed.
  if (nothingCompleted(summary)) return ExitCode.RequestsFailed;
  if (summary.total.failures > 0 || taskTotals(summary.tasks).errors > 0) return cfg.exitCodeOnError;
  return ExitCode.Success;
}
