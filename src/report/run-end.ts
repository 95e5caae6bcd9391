import { ExitCode } from '../errors.js';
import { plannedRateLabels, plannedStageLabels } from '../metrics/stage-label.js';
import type { RunSummary } from '../metrics/summary-types.js';

const EXIT_MEANINGS: Record<number, string> = {
  [ExitCode.Success]: 'success',
  [ExitCode.RequestsFailed]: 'requests or tasks failed',
  [ExitCode.UserError]: 'user error',
  [ExitCode.ThresholdsCrossed]: 'thresholds crossed',
  [ExitCode.InternalError]: 'internal error',
  [ExitCode.Interrupted]: 'interrupted',
};

/** What an exit code means, for the reports (docs/exit-codes.md). */
export function exitCodeMeaning(code: number): string {
  return EXIT_MEANINGS[code] ?? 'requests or tasks failed (--exit-code-on-error)';
}

function isSweep(options: Record<string, unknown>): boolean {
  return options.concurrency !== undefined || (Array.isArray(options.traffic) && options.traffic.length > 1);
}

/** The stop reason as the reports show it: a signal's plain 'interrupted' says which. */
export function stopReasonText(reason: string): string {
  return reason === 'interrupted' ? 'Ctrl-C or SIGTERM' : reason;
}

/** The stages a sweep planned but never measured (it was stopped first); [] for a run that is not a sweep. */
export function stagesNotRun(s: RunSummary): string[] {
  const options = s.meta.options ?? {};
  const ran = new Set((s.stages ?? []).map((st) => st.name));
  if (plannedRateLabels(options).length) return plannedRateLabels(options).filter((n) => !ran.has(n));
  if (!isSweep(options)) return [];
  return plannedStageLabels(options).filter((n) => !ran.has(n));
}

/** The sweep's concurrency levels, e.g. "1→8" ('' for a run that is not a sweep). */
export function sweepUsers(s: RunSummary): string {
  const levels = s.meta.options?.concurrency;
  if (!Array.isArray(levels) || levels.length === 0) return '';
  const nums = levels as number[];
  return nums.length === 1 ? String(nums[0]) : `${Math.min(...nums)}→${Math.max(...nums)}`;
}

/**
 * How the run ended, in lines for the end of the final output: the stop reason,
 * the exit code and what it means, and the sweep stages that never ran.
 */
export function runEndLines(s: RunSummary): string[] {
  const lines: string[] = [];
  const how = s.meta.interrupted ? 'Interrupted' : 'Ended';
  const code = s.meta.exitCode;
  const meaning = code === undefined || exitCodeMeaning(code) === 'interrupted' ? '' : s.capacity && code === ExitCode.RequestsFailed ? ' (capacity not found)' : ` (${exitCodeMeaning(code)})`;
  lines.push(`${how}: ${stopReasonText(s.meta.stopReason)}${code !== undefined ? ` · exit code ${code}${meaning}` : ''}`);
  const missing = stagesNotRun(s);
  if (missing.length) {
    const planned = missing.length + (s.stages?.length ?? 0);
    lines.push(`${missing.length} of ${planned} stages never ran: ${missing.join(', ')}`);
  }
  return lines;
}

/** A banner for the top of the final output of a run that did not end by itself ('' otherwise). */
export function interruptedBanner(s: RunSummary): string {
  if (!s.meta.interrupted) return '';
  return `INTERRUPTED (${stopReasonText(s.meta.stopReason)}): the figures cover the ${(s.meta.durationMs / 1000).toFixed(1)} s before the stop`;
}
