import { ExitCode } from '../errors.js';
import type { RunSummary } from '../metrics/summary-types.js';

export interface Verdict {
  status: 'passed' | 'failed' | 'interrupted';
  /** Short label for a badge: PASSED, FAILED, INTERRUPTED. */
  label: string;
  /** Why, one line each: crossed thresholds, failed requests, the stop reason. */
  reasons: string[];
}

/**
 * The outcome of a run as the reports show it. The exit code, when the engine
 * recorded one, decides; otherwise it is derived the way the engine would.
 */
export function runVerdict(summary: RunSummary): Verdict {
  const reasons: string[] = [];
  const crossed = (summary.thresholds ?? []).filter((t) => !t.ok);
  if (crossed.length > 0) reasons.push(`${crossed.length} of ${summary.thresholds!.length} thresholds crossed`);
  const { requests, failures } = summary.total;
  if (failures > 0) reasons.push(`${failures} of ${requests} requests failed`);
  if (summary.meta.interrupted) reasons.push(`interrupted: ${summary.meta.stopReason}`);
  if (summary.meta.incomplete?.length) reasons.push(`incomplete: the segments merged are not the whole plan (${summary.meta.incomplete.join('; ')})`);
  if (summary.generatorOverloaded) reasons.push('the load generator was overloaded: latencies include its own delays');
  if (requests === 0 && summary.total.aborted > 0) reasons.push(`no request completed: ${summary.total.aborted} aborted at the stop`);
  for (const t of summary.meta.timedOut ?? []) reasons.push(`timed out: ${t}`);
  if (summary.meta.teardownError) reasons.push(`teardown() failed: ${summary.meta.teardownError}`);

  const code = summary.meta.exitCode;
  let status: Verdict['status'];
  if (code !== undefined) status = code === ExitCode.Success ? 'passed' : code === ExitCode.Interrupted ? 'interrupted' : 'failed';
  else status = crossed.length > 0 || failures > 0 || (requests === 0 && summary.total.aborted > 0) ? 'failed' : summary.meta.interrupted ? 'interrupted' : 'passed';
  return { status, label: status.toUpperCase(), reasons };
}
