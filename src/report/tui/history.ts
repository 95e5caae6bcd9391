import type { LiveSnapshot } from '../../metrics/live-snapshot.js';

/** How many points each chart keeps: two minutes at one snapshot a second. */
export const HISTORY_POINTS = 120;

/**
 * A fixed-size ring of numbers. Pushing is O(1) and allocates nothing, because it
 * runs inside onSnapshot on the thread that merges worker data.
 */
export class Series {
  private readonly values: Float64Array;
  private start = 0;
  private size = 0;

  constructor(readonly capacity = HISTORY_POINTS) {
    this.values = new Float64Array(capacity);
  }

  push(value: number): void {
    const end = (this.start + this.size) % this.capacity;
    this.values[end] = value;
    if (this.size < this.capacity) this.size++;
    else this.start = (this.start + 1) % this.capacity;
  }

  get length(): number {
    return this.size;
  }

  /** The newest value, NaN when empty. */
  latest(): number {
    return this.size === 0 ? NaN : this.values[(this.start + this.size - 1) % this.capacity];
  }

  /** The newest `n` values, oldest first (a copy, for drawing). */
  last(n: number): number[] {
    const count = Math.min(n, this.size);
    const out = new Array<number>(count);
    const from = this.start + this.size - count;
    for (let i = 0; i < count; i++) out[i] = this.values[(from + i) % this.capacity];
    return out;
  }
}

/** The chart series the TUI draws. NaN marks a second without that figure (no LLM data yet). */
export class LiveHistory {
  readonly rps = new Series();
  readonly failuresPerSec = new Series();
  readonly p50Ms = new Series();
  readonly p95Ms = new Series();
  readonly users = new Series();
  readonly outputTokensPerSec = new Series();
  readonly ttftP50Ms = new Series();

  push(s: LiveSnapshot): void {
    this.rps.push(s.interval.rps);
    this.failuresPerSec.push(s.interval.failuresPerSec);
    // A second without a completed request has no latency: a gap, not a 0 ms bar.
    this.p50Ms.push(s.interval.rps > 0 ? s.interval.p50Ms : NaN);
    this.p95Ms.push(s.interval.rps > 0 ? s.interval.p95Ms : NaN);
    this.users.push(s.users);
    this.outputTokensPerSec.push(s.llmInterval?.outputTokensPerSec ?? NaN);
    this.ttftP50Ms.push(s.llmInterval?.ttftP50Ms ?? NaN);
  }
}
