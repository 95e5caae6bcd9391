import { MAX_TIMER_MS } from '../util/long-timeout.js';

/**
 * Request deadlines without a timer per request. Every HttpUser request has a
 * deadline (its timeout) and almost every one finishes long before it: a
 * setTimeout and clearTimeout per request (a Timeout object, an async id, a
 * list insert and a libuv clock read) was paid for nothing. Here the requests
 * of one timeout sit in one list in the order they started, which is also the
 * order of their deadlines, linked through the requests themselves (no node
 * per entry); one timer per list waits for the oldest. Adding and removing is
 * a few pointer writes. This is undici's "coarse timers" idea with Node's own
 * one-list-per-duration layout.
 */

/** A request with a deadline: the list links live on it. */
export interface DeadlineEntry {
  deadlineMs: number;
  /** The list it is in; undefined once removed or expired. */
  deadlineList: DeadlineList | undefined;
  prevDeadline: DeadlineEntry | undefined;
  nextDeadline: DeadlineEntry | undefined;
  /** Called once when the deadline passes while it is still in its list. */
  expire(): void;
}

export class DeadlineList {
  private head: DeadlineEntry | undefined;
  private tail: DeadlineEntry | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly timeoutMs: number) {}

  /** Adds a request that started at nowMs (performance.now()). */
  add(entry: DeadlineEntry, nowMs: number): void {
    entry.deadlineMs = nowMs + this.timeoutMs;
    entry.deadlineList = this;
    entry.nextDeadline = undefined;
    entry.prevDeadline = this.tail;
    if (this.tail === undefined) this.head = entry;
    else this.tail.nextDeadline = entry;
    this.tail = entry;
    if (this.timer === undefined) this.arm(this.timeoutMs);
  }

  /** Takes a finished request out; nothing happens for one already out. */
  remove(entry: DeadlineEntry): void {
    if (entry.deadlineList !== this) return;
    const { prevDeadline: prev, nextDeadline: next } = entry;
    if (prev === undefined) this.head = next;
    else prev.nextDeadline = next;
    if (next === undefined) this.tail = prev;
    else next.prevDeadline = prev;
    entry.deadlineList = entry.prevDeadline = entry.nextDeadline = undefined;
    // An empty list holds no timer: a worker with nothing in flight keeps no timer alive.
    if (this.head === undefined) {
      if (this.timer !== undefined) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      // Many distinct timeouts (a computed per-request `timeout`) must not pile up lists.
      if (lists.size > MAX_LISTS && lastList !== this) lists.delete(this.timeoutMs);
    }
  }

  private arm(ms: number): void {
    // Clamped: Node fires a timer past 2^31-1 ms after 1 ms; fire() re-arms until the deadline.
    this.timer = setTimeout(fireList, Math.max(1, Math.min(ms, MAX_TIMER_MS)), this);
  }

  /** @internal The oldest deadline is due: expire every due request, then wait for the next. */
  fire(): void {
    this.timer = undefined;
    const now = performance.now();
    for (let e = this.head; e !== undefined && e.deadlineMs <= now; e = this.head) {
      this.remove(e);
      e.expire();
    }
    // A timer may fire a little early (it counts from the loop's cached clock): then it waits the rest.
    if (this.head !== undefined && this.timer === undefined) this.arm(Math.ceil(this.head.deadlineMs - now));
  }
}

function fireList(list: DeadlineList): void {
  list.fire();
}

const lists = new Map<number, DeadlineList>();
const MAX_LISTS = 64;
let lastList: DeadlineList | undefined;

/** The worker's list for requests of this timeout. */
export function deadlineList(timeoutMs: number): DeadlineList {
  // As setTimeout reads them: no positive number of ms (0, negative, NaN) is due at once.
  if (!(timeoutMs > 0)) timeoutMs = 0;
  // One timeout for every request is the usual case: no map lookup then.
  if (lastList !== undefined && lastList.timeoutMs === timeoutMs) return lastList;
  let list = lists.get(timeoutMs);
  if (list === undefined) lists.set(timeoutMs, (list = new DeadlineList(timeoutMs)));
  lastList = list;
  return list;
}
