import { seededRandom } from '../util/random.js';

/**
 * What keeps a failing user from retrying in a tight loop (docs/llm.md#backoff).
 * After a failed LLM request, or an HTTP request that could not connect, the
 * user's next request waits: a step of 200 ms after the first failure in a row,
 * doubling with each further one up to 5 s, each delay drawn between half and
 * all of its step (jitter, so users do not retry in step). The wait counts from the
 * failure, so a wait time already spent counts toward it. A success resets it.
 */
export const BACKOFF_BASE_MS = 200;
export const BACKOFF_MAX_MS = 5000;

/** The delay before the next request after `streak` failures in a row (streak >= 1), given a random number in [0, 1). */
export function backoffDelayMs(streak: number, random: number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(streak - 1, 16));
  return ceiling / 2 + (ceiling / 2) * random;
}

/**
 * One user's backoff. The clients report outcomes (failed, succeeded) and
 * await ready() before each request; the user interrupts the wait when it is
 * told to stop, so a stop never waits out a backoff.
 */
export class ErrorBackoff {
  private streak = 0;
  /** performance.now() before which the next request waits; 0: none pending. */
  private dueMs = 0;
  /** Requests waiting now (a task may send several at once): interrupt() releases them all. Made on the first wait. */
  private waiting?: Set<{ timer: NodeJS.Timeout; resolve: () => void }>;
  /** How many times a request waited, for tests. */
  waits = 0;
  private random: (() => number) | number;

  /**
   * `random` may be a seed instead of a generator: every user has a backoff
   * and most never fail, so the seeded generator is made on the first failure
   * (the same draws as one made now).
   */
  constructor(random: (() => number) | number) {
    this.random = random;
  }

  failed(): void {
    this.streak++;
    if (typeof this.random === 'number') this.random = seededRandom(this.random);
    this.dueMs = performance.now() + backoffDelayMs(this.streak, this.random());
  }

  succeeded(): void {
    this.streak = 0;
    this.dueMs = 0;
  }

  /** Milliseconds the next request must still wait; 0 when it may go now. Cheap: read before every request. */
  pendingMs(): number {
    if (this.dueMs === 0) return 0;
    const left = this.dueMs - performance.now();
    if (left <= 0) this.dueMs = 0;
    return left > 0 ? left : 0;
  }

  /** Resolves when the next request may go (at once when nothing is pending, or when interrupted). */
  ready(): Promise<void> {
    const ms = this.pendingMs();
    if (ms === 0) return Promise.resolve();
    this.waits++;
    const due = this.dueMs;
    const waiting = (this.waiting ??= new Set());
    return new Promise<void>((resolve) => {
      const w = {
        resolve,
        timer: setTimeout(() => {
          waiting.delete(w);
          // Served, unless a failure meanwhile set a later one (a timer may also fire a hair early).
          if (this.dueMs === due) this.dueMs = 0;
          resolve();
        }, ms),
      };
      waiting.add(w);
    });
  }

  /** Ends every wait now (the user was told to stop). */
  interrupt(): void {
    this.dueMs = 0;
    const waiting = this.waiting;
    if (waiting === undefined) return;
    for (const w of waiting) {
      clearTimeout(w.timer);
      w.resolve();
    }
    waiting.clear();
  }
}

/** Codes of a request that never reached the server: nothing listens there, or the name or route is wrong. */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);
const CONNECT_MESSAGE = /\b(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|EADDRNOTAVAIL)\b/;

/** True for an error of a request that could not connect (undici's, Node's, or an Error's message naming the code). */
export function isConnectError(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown }; message?: unknown } | null;
  if (e === null || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && CONNECT_CODES.has(e.code)) return true;
  if (typeof e.cause?.code === 'string' && CONNECT_CODES.has(e.cause.code)) return true;
  return typeof e.message === 'string' && CONNECT_MESSAGE.test(e.message);
}

/** Counter of requests that could not connect (HTTP and LLM): the run guard stops a run whose every request is one. */
export const CONNECT_ERRORS_COUNTER = 'http.connect_errors';
