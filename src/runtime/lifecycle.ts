import { MAX_TIMER_MS } from '../util/long-timeout.js';

/** Default bound of setup(), teardown(), onStart() and onStop() (--lifecycle-timeout). */
export const DEFAULT_LIFECYCLE_TIMEOUT_MS = 30_000;


/**
 * Runs a scenario's lifecycle hook and waits for it at most `limitMs`:
 * 'timeout' when it did not settle by then (it is left running: a promise
 * cannot be cancelled), its own rejection when it threw.
 */
export async function boundedHook(fn: () => unknown, limitMs: number): Promise<'timeout' | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), Math.min(limitMs, MAX_TIMER_MS))));
  try {
    const outcome = await Promise.race([Promise.resolve().then(fn).then(() => undefined), late]);
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}
