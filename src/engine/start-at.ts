import { parseStartAt } from '../config/start-at.js';
import { UserError } from '../errors.js';

/** How late a start may be before it is refused: pods pulled an image, a clock is a little off. */
export const LATE_START_TOLERANCE_MS = 5_000;

export interface WaitOptions {
  /** Ends the wait early (Ctrl-C); the promise then resolves with `false`. */
  signal?: AbortSignal;
  /** Told once how long the wait is, e.g. to print "starting in 42 s". */
  onWait?: (waitMs: number, at: Date) => void;
  /** Test seam: the clock. */
  now?: () => number;
  toleranceMs?: number;
}

/**
 * Waits until `at` (an ISO time or a Date), so that every instance of a fleet
 * starts its load together; clock skew is the operator's NTP. Resolves true at
 * the time, false when aborted. A time more than a few seconds in the past is
 * a UserError (a pod that started too late would run out of step with the
 * others); a time slightly past starts at once.
 */
export async function waitUntil(at: string | Date, opts: WaitOptions = {}): Promise<boolean> {
  const when = typeof at === 'string' ? parseStartAt(at) : at;
  const now = opts.now ?? Date.now;
  const tolerance = opts.toleranceMs ?? LATE_START_TOLERANCE_MS;
  const waitMs = when.getTime() - now();
  if (waitMs < -tolerance) {
    throw new UserError(
      `--start-at ${when.toISOString()} is ${formatSeconds(-waitMs)} in the past (the clock here says ${new Date(now()).toISOString()})`,
      'the other instances have already started: give a later --start-at to all of them, or check this machine\'s clock (NTP)',
      'E_START_AT',
    );
  }
  if (opts.signal?.aborted) return false;
  if (waitMs <= 0) return true;
  opts.onWait?.(waitMs, when);
  return new Promise<boolean>((resolve) => {
    // Long waits are cut into steps so a suspended laptop or a changed clock is caught up on.
    let timer: NodeJS.Timeout;
    const step = () => {
      const left = when.getTime() - now();
      if (left <= 0) return done(true);
      timer = setTimeout(step, Math.min(left, 1000));
    };
    const onAbort = () => done(false);
    const done = (v: boolean) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(v);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    step();
  });
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return s < 120 ? `${s.toFixed(1)} s` : `${Math.round(s / 60)} min`;
}
