/**
 * A sleep that a stop can cut short. One timer per sleeping user; the wake
 * function is kept so the run's end does not wait out long wait times.
 */
export class InterruptibleSleep {
  private wake?: () => void;
  private timer?: NodeJS.Timeout;

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
    });
  }

  interrupt(): void {
    if (this.timer) clearTimeout(this.timer);
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}
