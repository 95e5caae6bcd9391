import { setLongTimeout, type LongTimeout } from '../util/long-timeout.js';

/**
 * A sleep that a stop can cut short. One timer per sleeping user; the wake
 * function is kept so the run's end does not wait out long wait times. Any
 * length works: Infinity sleeps until interrupted (setLongTimeout).
 */
export class InterruptibleSleep {
  private wake?: () => void;
  private timer?: LongTimeout;

  sleep(ms: number): Promise<void> {
    if (!(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer = setLongTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
    });
  }

  interrupt(): void {
    this.timer?.clear();
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}
