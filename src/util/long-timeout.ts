/**
 * The longest delay Node's timers take: from 2^31 ms (24.8 days) on, setTimeout
 * fires after 1 ms and prints a TimeoutOverflowWarning. A duration of `-t 597h`,
 * a stop timeout of 1,000,000 h or a wait time of Infinity must not end at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A timer made by setLongTimeout. */
export interface LongTimeout {
  /** Cancels the timer; it never fires after this. */
  clear(): void;
}

/**
 * setTimeout for any delay: longer ones are chained in steps of MAX_TIMER_MS.
 * Infinity never fires; NaN and negative delays fire on the next turn, as 0 does.
 * @example const t = setLongTimeout(() => stop('duration reached'), durationMs); … t.clear();
 */
export function setLongTimeout(fn: () => void, ms: number): LongTimeout {
  let timer: NodeJS.Timeout | undefined;
  let cleared = false;
  const arm = (left: number) => {
    if (cleared) return;
    if (left > MAX_TIMER_MS) timer = setTimeout(() => arm(left - MAX_TIMER_MS), MAX_TIMER_MS);
    else timer = setTimeout(fn, left > 0 ? left : 0);
  };
  arm(ms);
  return {
    clear() {
      cleared = true;
      clearTimeout(timer);
    },
  };
}

