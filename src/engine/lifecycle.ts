import type { RunConfig } from '../config/resolve.js';
import { formatDuration } from '../util/format-duration.js';
import { UserError } from '../errors.js';
import { boundedHook, DEFAULT_LIFECYCLE_TIMEOUT_MS } from '../runtime/lifecycle.js';

export { boundedHook, DEFAULT_LIFECYCLE_TIMEOUT_MS } from '../runtime/lifecycle.js';

/** The bound of setup(), teardown(), onStart() and onStop() (--lifecycle-timeout). */
export function lifecycleTimeoutMs(cfg: RunConfig): number {
  return cfg.extra.lifecycleTimeout ?? DEFAULT_LIFECYCLE_TIMEOUT_MS;
}

/**
 * Waits for `p`, saying after `firstMs`, then every `everyMs`, that it still waits (a scenario's
 * top-level `await`, a slow setup()): a start-up that takes long must not look
 * like a hang with nothing on the screen.
 */
export async function sayWhileWaiting<T>(p: Promise<T>, say: (waitedMs: number) => void, firstMs = 3000, everyMs = 5000): Promise<T> {
  const start = performance.now();
  let timer = setTimeout(function tell() {
    say(performance.now() - start);
    timer = setTimeout(tell, everyMs).unref();
  }, firstMs).unref();
  try {
    return await p;
  } finally {
    clearTimeout(timer);
  }
}

/** What teardown() adds to the summary: what timed out, or its error. */
export interface TeardownOutcome {
  timedOut?: string;
  teardownError?: string;
}

/** setup() on a worker (`call`), bounded by `limitMs`: past it a UserError (the run cannot start without its data). */
export async function runSetupBounded(call: () => Promise<{ data?: unknown; error?: string }>, limitMs: number, note: (m: string) => void): Promise<{ data?: unknown; error?: string }> {
  let result: { data?: unknown; error?: string } = {};
  const outcome = await boundedHook(async () => {
    result = await sayWhileWaiting(call(), (ms) => note(`waiting for setup()… (${formatDuration(ms)})`), 5000);
  }, limitMs);
  if (outcome === 'timeout') throw new UserError(`setup() did not finish within ${formatDuration(limitMs)} (--lifecycle-timeout)`, 'make setup() settle (an await that never resolves?), or give it longer with --lifecycle-timeout');
  return result;
}

/**
 * teardown() on a worker (`call`; undefined: no worker left), bounded by
 * `limitMs`; `cut` settles when a signal ends the wait. Warns of anything
 * that went wrong and returns it for the summary; undefined when all went well.
 */
export async function runTeardownBounded(
  call: (() => Promise<{ error?: string }>) | undefined,
  limitMs: number,
  cut: Promise<void>,
  warn: (m: string) => void,
): Promise<TeardownOutcome | undefined> {
  if (!call) {
    warn('teardown() not run: no worker left to run it');
    return { teardownError: 'not run: no worker left to run it' };
  }
  let td: { error?: string } = {};
  const outcome = await Promise.race([
    boundedHook(async () => {
      td = await call().catch((err: Error) => ({ error: `no worker left to run it (${err.message})` }));
    }, limitMs),
    cut.then(() => 'cut' as const),
  ]);
  if (outcome === 'timeout') {
    warn(`teardown() did not finish within ${formatDuration(limitMs)} (--lifecycle-timeout): left unfinished; the results were written before it ran`);
    return { timedOut: `teardown() after ${formatDuration(limitMs)}` };
  }
  if (outcome === 'cut') {
    warn('teardown() not waited for: interrupted while it ran; the results were written before it');
    return undefined;
  }
  if (td.error) {
    warn(`teardown() failed: ${td.error}`);
    return { teardownError: td.error };
  }
  return undefined;
}
