/** Default bound of setup(), teardown(), onStart() and onStop() (--lifecycle-timeout). */
export const DEFAULT_LIFECYCLE_TIMEOUT_MS = 30_000;

/** setTimeout's longest delay; a longer bound waits this long (about 24.8 days: forever, for a run). */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
