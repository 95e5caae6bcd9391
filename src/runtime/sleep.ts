import { setLongTimeout, type LongTimeout } from '../util/long-timeout.js';

interface Sleeper {
  wake: () => void;
  timer?: LongTimeout;
}

/**
 * A sleep that a stop can cut short. The wake functions are kept so the run's
 * end does not wait out long wait times, and there may be several at once (a
 * user's wait time, a Retry-After wait of its HTTP client and one of its LLM
 * client): `interrupt` wakes them all. Any length works: Infinity sleeps until
 * interrupted (setLongTimeout).
 */
export class InterruptibleSleep {
  private readonly sleepers = new Set<Sleeper>();

  sleep(ms: number): Promise<void> {
    if (!(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const s: Sleeper = { wake: resolve };
      s.timer = setLongTimeout(() => {
        this.sleepers.delete(s);
        resolve();
      }, ms);
      this.sleepers.add(s);
    });
  }

  interrupt(): void {
    for (const s of this.sleepers) {
      s.timer?.clear();
      s.wake();
    }
    this.sleepers.clear();
  }
}
