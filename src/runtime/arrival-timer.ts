import { MAX_TIMER_MS } from '../util/long-timeout.js';

/**
 * Fires one worker's share of an open-model schedule on time. The main thread
 * sends arrival offsets ahead of time; each is turned into an absolute time on
 * this thread's clock once, so a late wake-up never shifts the arrivals after
 * it (no drift): whatever is due is fired at once with its intended time, and
 * its lateness is measured ('schedule_delay'), never hidden.
 */
export class ArrivalTimer {
  // A queue of chunks, read with an index: no Array.shift on the hot path.
  private readonly chunks: Array<{ baseMs: number; offsets: Float64Array; indices?: Uint32Array }> = [];
  private chunk = 0;
  private pos = 0;
  private ended = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private armedFor = Infinity;

  constructor(
    /** Called with each arrival's intended time (performance.now() clock), at or just after it, and its trace record number if any. */
    private readonly fire: (intendedMs: number, index?: number) => void,
    /** Called once when the last arrival has been fired. */
    private readonly onEnd: () => void,
  ) {}

  /** Adds arrivals at originMs (epoch clock) + offsets; `end` marks the last batch; `indices`: trace record numbers, one per offset. */
  push(originMs: number, offsetsMs: Float64Array, end: boolean, indices?: Uint32Array): void {
    if (this.stopped) return;
    if (offsetsMs.length) this.chunks.push({ baseMs: originMs - performance.timeOrigin, offsets: offsetsMs, indices });
    if (end) this.ended = true;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private peek(): number | undefined {
    while (this.chunk < this.chunks.length) {
      const c = this.chunks[this.chunk]!;
      if (this.pos < c.offsets.length) return c.baseMs + c.offsets[this.pos]!;
      this.chunks[this.chunk] = undefined as never; // let the consumed chunk go
      this.chunk++;
      this.pos = 0;
    }
    return undefined;
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.armedFor = Infinity;
    if (this.stopped) return;
    const now = performance.now();
    for (let t = this.peek(); t !== undefined && t <= now; t = this.peek()) {
      const index = this.chunks[this.chunk]!.indices?.[this.pos];
      this.pos++;
      this.fire(t, index);
    }
    this.arm();
  };

  /**
   * Waits for the next arrival on a timer. Node's timers run on a 1 ms clock,
   * so an arrival fires up to about 1 ms late (measured in 'schedule_delay').
   * Spinning on setImmediate for the last stretch was tried: it cost a good
   * part of a core at a few hundred arrivals per second and, competing with
   * the users' I/O, made the tail worse (bench/rate.ts).
   */
  private arm(): void {
    if (this.stopped) return;
    const next = this.peek();
    if (next === undefined) {
      if (this.ended) {
        this.stopped = true;
        this.onEnd();
      }
      return;
    }
    if (next >= this.armedFor) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = next;
    // A far arrival (a slow ramp) wakes early and re-arms: Node's timers take at most MAX_TIMER_MS.
    this.timer = setTimeout(this.tick, Math.min(MAX_TIMER_MS, Math.max(0, Math.floor(next - performance.now()))));
  }
}
