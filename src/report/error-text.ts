import type { ErrorCount } from '../metrics/summary-types.js';
import { taskTotals } from '../metrics/summarize.js';

/** An error's message, with where the scenario threw it for a task's exception: `Cannot read … (at scenarios/shop.ts:14)`. */
export function errorText(e: Pick<ErrorCount, 'message' | 'location'>, maxMessageChars = Infinity): string {
  const message = e.message.length <= maxMessageChars ? e.message : e.message.slice(0, maxMessageChars - 1) + '…';
  return e.location ? `${message} (at ${e.location})` : message;
}

/** The final table's line for task exceptions, kept apart from the requests; undefined when no task threw. */
export function taskErrorsLine(tasks: ReadonlyArray<{ runs: number; errors?: number }>): string | undefined {
  const t = taskTotals(tasks);
  if (t.errors === 0) return undefined;
  const share = t.runs > 0 ? ` (${((t.errors / t.runs) * 100).toFixed(1)}% of ${t.runs} task runs)` : '';
  return `Task errors: ${t.errors}${share}; not counted as requests (see Errors, type TASK)`;
}
