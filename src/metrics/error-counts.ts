import type { ErrorCount } from './summary-types.js';

/** Distinct error messages kept in one map; more are folded into one entry per request, so memory stays bounded. */
export const MAX_ERROR_KINDS = 500;
export const OTHER_ERRORS = '(other errors: too many distinct messages)';

/**
 * Adds `count` failures of (method, name, message) to `errors`, keyed by all
 * three. Past MAX_ERROR_KINDS distinct keys, a new message counts under the
 * request's OTHER_ERRORS entry: the same bound on a worker's interval map and
 * on the run's totals, where messages with ids or URLs in them would
 * otherwise grow without end.
 */
export function countError(
  errors: Map<string, ErrorCount>,
  method: string,
  name: string,
  message: string,
  count: number,
  where?: Pick<ErrorCount, 'location' | 'frames'>,
): void {
  let key = method + ' ' + name + '\n' + message;
  let e = errors.get(key);
  if (e === undefined) {
    if (errors.size >= MAX_ERROR_KINDS) {
      message = OTHER_ERRORS;
      key = method + ' ' + name + '\n' + message;
      e = errors.get(key);
    }
    if (e === undefined) {
      e = { method, name, message, count: 0 };
      if (where?.location !== undefined && message !== OTHER_ERRORS) e.location = where.location;
      if (where?.frames?.length && message !== OTHER_ERRORS) e.frames = where.frames;
      errors.set(key, e);
    }
  }
  e.count += count;
}
