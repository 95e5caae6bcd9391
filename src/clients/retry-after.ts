/**
 * Retry-After on a 429 or 503: the server asks the client to wait. Volley's
 * clients do not retry, so it is honoured as the user's next wait: the user's
 * next request is not sent before it elapses (a stop of the user ends the wait).
 */

/** Longest wait honoured: a Retry-After of hours is a server's mistake, and the run's end bounds it anyway. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Retry-After in ms (seconds or an HTTP date), for a 429 or 503; undefined otherwise. */
export function retryAfterMs(status: number, value: string | string[] | undefined): number | undefined {
  if (status !== 429 && status !== 503) return undefined;
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - Date.now());
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/** ' (Retry-After 2s)', added to the error message of a 429 or 503 that carried one. */
export function retryAfterNote(ms: number | undefined): string {
  if (ms === undefined) return '';
  const s = ms / 1000;
  return ` (Retry-After ${Number.isInteger(s) ? s : s.toFixed(1)}s)`;
}

/**
 * Sleeps for ms; resolves true when the wait ran out, false when the user was
 * stopped first. The runtime passes the user's interruptible sleep.
 */
export type Pause = (ms: number) => Promise<boolean>;

/** A sleep for clients made outside a virtual user (tests, setup): only the hard stop cuts it short. */
export function timerPause(hardStop: AbortSignal): Pause {
  return (ms) =>
    new Promise<boolean>((resolve) => {
      if (hardStop.aborted) return resolve(false);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        hardStop.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      hardStop.addEventListener('abort', onAbort, { once: true });
    });
}

/** One user's hold: when a server said Retry-After, no request goes out before it elapses. */
export class RetryAfterGate {
  private notBeforeMs = 0;
  private waiting: Promise<boolean> | undefined;

  constructor(private readonly pause: Pause) {}

  hold(ms: number): void {
    const until = performance.now() + ms;
    if (until > this.notBeforeMs) this.notBeforeMs = until;
  }

  /**
   * Undefined when a request may go now (the common case: no promise made);
   * else a wait, shared by every request of the user that asks during it,
   * resolving false when the user was stopped meanwhile.
   */
  wait(): Promise<boolean> | undefined {
    if (this.notBeforeMs === 0) return undefined;
    const ms = this.notBeforeMs - performance.now();
    if (ms <= 0) {
      this.notBeforeMs = 0;
      return undefined;
    }
    return (this.waiting ??= this.pause(ms).then((ranOut) => {
      this.waiting = undefined;
      return ranOut;
    }));
  }
}
