import { runtimeHooks } from './hooks.js';
import type { CustomRequest } from './types.js';

function hooks() {
  const h = runtimeHooks();
  if (!h) throw new Error('volley: this function works only inside a running scenario (bench run)');
  return h;
}

/**
 * Counts passes and failures of named checks (as k6's check). Returns true when
 * every check passed. A check that throws counts as failed.
 * @example check(res, { 'status is 200': (r) => r.status === 200 });
 */
export function check<T>(value: T, checks: Record<string, (value: T) => boolean>): boolean {
  const h = hooks();
  let all = true;
  for (const [name, predicate] of Object.entries(checks)) {
    let ok = false;
    try {
      ok = Boolean(predicate(value));
    } catch {
      ok = false;
    }
    h.recordCheck(name, ok);
    if (!ok) all = false;
  }
  return all;
}

/**
 * Reports a request of any protocol (Locust's request event): it appears in the
 * statistics like an HTTP request, with `type` in the method column.
 * @example recordRequest({ type: 'grpc', name: 'GetUser', durationMs: 12.5, bytes: 230 });
 */
export function recordRequest(req: CustomRequest): void {
  hooks().recordCustom(req);
}

/**
 * Times a block of code and reports it as a request named `name` (type 'measure'
 * by default). A throw is recorded as a failure and re-thrown.
 * @example const rows = await measure('db query', () => db.query('select 1'));
 */
export async function measure<T>(name: string, fn: () => T | Promise<T>, type = 'measure'): Promise<T> {
  const h = hooks();
  const start = performance.now();
  try {
    const out = await fn();
    h.recordCustom({ type, name, durationMs: performance.now() - start });
    return out;
  } catch (err) {
    h.recordCustom({ type, name, durationMs: performance.now() - start, error: err instanceof Error ? err : String(err) });
    throw err;
  }
}

/**
 * Records a value into a named trend (a histogram reported with percentiles).
 * @example trend('queue_wait_ms', waited);
 */
export function trend(name: string, value: number): void {
  hooks().recordTrend(name, value);
}

/**
 * Adds to a named counter reported in the summary.
 * @example counter('cache_hits');
 */
export function counter(name: string, n = 1): void {
  hooks().addCounter(name, n);
}
