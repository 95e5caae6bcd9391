import { setLongTimeout } from '../util/long-timeout.js';

/**
 * A one-shot signal that sleeps can wait on: fired when a run or a scenario
 * stops. Waiters are removed when their sleep ends, so a long run that sleeps
 * often does not pile callbacks on one promise.
 */
export class Latch {
  fired = false;
  readonly promise: Promise<void>;
  private resolve!: () => void;
  private readonly waiters = new Set<() => void>();

  constructor() {
    this.promise = new Promise((r) => (this.resolve = r));
  }

  fire(): void {
    if (this.fired) return;
    this.fired = true;
    this.resolve();
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  /** Waits ms; resolves true at once if the latch fires first. */
  sleep(ms: number): Promise<boolean> {
    if (this.fired) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const wake = () => {
        timer.clear();
        resolve(true);
      };
      const timer = setLongTimeout(() => {
        this.waiters.delete(wake);
        resolve(false);
      }, Math.max(0, ms));
      this.waiters.add(wake);
    });
  }
}
