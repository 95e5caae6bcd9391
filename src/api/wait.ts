/**
 * A wait-time function returns how many seconds a user waits after a task.
 * `this` is the user, so pacing helpers can keep per-user state on a closure.
 */
export type WaitTime = (this: unknown, ctx: WaitContext) => number;

/** Given to wait-time functions: how long the last task took, in seconds. */
export interface WaitContext {
  lastTaskSeconds: number;
  random: () => number;
}

/**
 * Wait times are pure functions of their arguments, and a field initializer
 * (`waitTime = between(1, 3)`) makes one per user: users share one per
 * arguments instead (a closure and its scope, about 100 bytes of every user;
 * bench:memory). Bounded, for arguments drawn per user.
 */
const waitTimes = new Map<string, WaitTime>();
function shared(key: string, make: () => WaitTime): WaitTime {
  let fn = waitTimes.get(key);
  if (fn === undefined) {
    fn = make();
    if (waitTimes.size < 256) waitTimes.set(key, fn);
  }
  return fn;
}

/**
 * Waits a random time between `min` and `max` seconds after each task.
 * @example waitTime = between(0.5, 2);
 */
export function between(min: number, max: number): WaitTime {
  if (!(min >= 0) || !(max >= min)) throw new RangeError(`between(${min}, ${max}): expected 0 <= min <= max seconds`);
  return shared(`b${min},${max}`, () => (ctx) => min + ctx.random() * (max - min));
}

/**
 * Waits the same number of seconds after each task.
 * @example waitTime = constant(1);
 */
export function constant(seconds: number): WaitTime {
  if (!(seconds >= 0)) throw new RangeError(`constant(${seconds}): expected seconds >= 0`);
  return shared(`c${seconds}`, () => () => seconds);
}

/**
 * Starts a task every `seconds` at most: waits whatever remains of the interval
 * after the task (never less than zero).
 * @example waitTime = constantPacing(2); // one task every 2 s per user
 */
export function constantPacing(seconds: number): WaitTime {
  if (!(seconds > 0)) throw new RangeError(`constantPacing(${seconds}): expected seconds > 0`);
  return shared(`p${seconds}`, () => {
    const fn: WaitTime = (ctx) => Math.max(0, seconds - ctx.lastTaskSeconds);
    (fn as PacedWait).intervalSeconds = seconds;
    return fn;
  });
}

/**
 * Runs at most `perSec` tasks per second per user (the inverse of constantPacing).
 * @example waitTime = constantThroughput(0.5); // one task every 2 s per user
 */
export function constantThroughput(perSec: number): WaitTime {
  if (!(perSec > 0)) throw new RangeError(`constantThroughput(${perSec}): expected tasks per second > 0`);
  return constantPacing(1 / perSec);
}

/** A paced wait knows its interval, for HdrHistogram's expected-interval correction. */
export interface PacedWait extends WaitTime {
  intervalSeconds?: number;
}
