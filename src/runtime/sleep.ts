import { MAX_TIMER_MS } from '../util/long-timeout.js';

/** One sleep in progress: when it ends, what ends it, and its place in the queue. */
class Sleeper {
  /** Position in the queue's heap; -1 once out of it. */
  index = -1;
  constructor(
    readonly owner: InterruptibleSleep,
    readonly wake: () => void,
    /** performance.now() at which it ends; Infinity: only an interrupt ends it. */
    readonly dueMs: number,
  ) {}
}

/**
 * Every sleep of this thread's users in one binary heap by due time, with one
 * Node timer for the earliest. A timer per sleeping user (its Timeout and
 * arguments) was 200 bytes of each idle user's 2 KB (bench:memory); users
 * sleep most of their lives, so the queue holds about one entry per user.
 * Any length works: a due time past Node's longest timer re-arms in steps, and
 * Infinity never arms one.
 */
class SleepQueue {
  private readonly heap: Sleeper[] = [];
  private timer?: NodeJS.Timeout;
  /** Due time the timer is armed for; Infinity when none is. */
  private armedFor = Infinity;

  add(s: Sleeper): void {
    s.index = this.heap.length;
    this.heap.push(s);
    this.up(s.index);
    if (s.dueMs < this.armedFor) this.arm();
  }

  remove(s: Sleeper): void {
    const i = s.index;
    if (i < 0) return;
    s.index = -1;
    const last = this.heap.pop()!;
    if (last !== s) {
      this.heap[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
    if (this.heap.length === 0) this.disarm();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedFor = Infinity;
    // Node's timers run on the loop's cached clock and may fire a hair before performance.now() says: a 1 ms allowance, as a timer of its own would have.
    const now = performance.now() + 1;
    const heap = this.heap;
    while (heap.length > 0 && heap[0]!.dueMs <= now) {
      const s = heap[0]!;
      this.remove(s);
      s.owner.forget(s);
      s.wake();
    }
    this.arm();
  };

  private arm(): void {
    const first = this.heap[0];
    this.disarm();
    if (first === undefined || first.dueMs === Infinity) return;
    this.armedFor = first.dueMs;
    this.timer = setTimeout(this.fire, Math.min(MAX_TIMER_MS, Math.max(0, first.dueMs - performance.now())));
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  private up(i: number): void {
    const heap = this.heap;
    const s = heap[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p]!;
      if (parent.dueMs <= s.dueMs) break;
      heap[i] = parent;
      parent.index = i;
      i = p;
    }
    heap[i] = s;
    s.index = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const s = heap[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && heap[c + 1]!.dueMs < heap[c]!.dueMs) c++;
      const child = heap[c]!;
      if (s.dueMs <= child.dueMs) break;
      heap[i] = child;
      child.index = i;
      i = c;
    }
    heap[i] = s;
    s.index = i;
  }
}

const queue = new SleepQueue();

/**
 * A sleep that a stop can cut short. The wake functions are kept so the run's
 * end does not wait out long wait times, and there may be several at once (a
 * user's wait time, a Retry-After wait of its HTTP client and one of its LLM
 * client): `interrupt` wakes them all. Any length works: Infinity sleeps until
 * interrupted. Every virtual user has one, mostly idle or holding one sleep:
 * that case costs one field, not a Set (bench:memory).
 */
export class InterruptibleSleep {
  private one?: Sleeper;
  private more?: Set<Sleeper>;

  sleep(ms: number): Promise<void> {
    if (!(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const s = new Sleeper(this, resolve, performance.now() + ms);
      queue.add(s);
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
      queue.remove(one);
      one.wake();
    }
    const more = this.more;
    if (more === undefined) return;
    for (const s of more) {
      queue.remove(s);
      s.wake();
    }
    more.clear();
  }
}
