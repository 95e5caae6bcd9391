import { MAX_TIMER_MS, setLongTimeout, type LongTimeout } from '../util/long-timeout.js';

/** One sleep in progress: what ends it early, and its timer. */
class Sleeper {
  timer?: NodeJS.Timeout;
  /** Instead of timer, for a sleep longer than Node's timers take. */
  long?: LongTimeout;
  constructor(
    readonly owner: InterruptibleSleep,
    readonly wake: () => void,
  ) {}

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.long?.clear();
  }
}

/** The timer's callback: one shared function, the sleeper as its argument (no closure per sleep). */
function wakeUp(s: Sleeper): void {
  s.owner.forget(s);
  s.wake();
}

/**
 * A sleep that a stop can cut short. The wake functions are kept so the run's
 * end does not wait out long wait times, and there may be several at once (a
 * user's wait time, a Retry-After wait of its HTTP client and one of its LLM
 * client): `interrupt` wakes them all. Any length works: Infinity sleeps until
 * interrupted (setLongTimeout). Every virtual user has one, mostly idle or
 * holding one sleep: that case costs one field, not a Set (bench:memory).
 */
export class InterruptibleSleep {
  private one?: Sleeper;
  private more?: Set<Sleeper>;

  sleep(ms: number): Promise<void> {
    if (!(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const s = new Sleeper(this, resolve);
      if (ms <= MAX_TIMER_MS) s.timer = setTimeout(wakeUp, ms, s);
      else s.long = setLongTimeout(() => wakeUp(s), ms);
      if (this.one === undefined) this.one = s;
      else (this.more ??= new Set()).add(s);
    });
  }

  /** @internal A sleep ended on its own. */
  forget(s: Sleeper): void {
    if (this.one === s) this.one = undefined;
    else this.more?.delete(s);
  }

  interrupt(): void {
    const one = this.one;
    this.one = undefined;
    if (one !== undefined) {
      one.clear();
      one.wake();
    }
    const more = this.more;
    if (more === undefined) return;
    for (const s of more) {
      s.clear();
      s.wake();
    }
    more.clear();
  }
}
