import type { RunConfig } from '../config/resolve.js';
import { DEFAULT_LIFECYCLE_TIMEOUT_MS } from '../runtime/lifecycle.js';

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
