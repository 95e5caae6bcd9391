import type { HttpClient } from './types.js';
import type { TaskSpec } from './task.js';
import type { WaitTime } from './wait.js';
import { traceRecordOf, type TraceRecord } from './trace.js';

/** Where the runtime attaches its clients to a user instance. */
export const HTTP_CLIENT = Symbol.for('volley.httpClient');
export const IS_USER = Symbol.for('volley.isUser');

/**
 * A virtual user with no client of its own: use it for other protocols and report
 * requests with `recordRequest` or `measure`. Subclass it and declare tasks.
 * Classes with their own `static abstract = true` are bases, not users.
 * @example
 * export class Worker extends User {
 *   @task() async work() { await measure('job', () => doJob()); }
 * }
 */
export class User {
  static readonly [IS_USER] = true;
  static abstract = true;
  /** Relative share of the users (default 1). */
  static weight = 1;
  /** Pins the number of users of this class, whatever the total (Locust's fixed_count). */
  static fixedCount?: number;
  /** Decorator-free task declaration (see TaskSpec). */
  static tasks?: TaskSpec;
  /** Tags of every task of this class. */
  static tags?: string[];

  /** Base URL of the target; overridden by --host. */
  host?: string;
  /** Time to wait after each task (default: none). */
  waitTime?: WaitTime;
  /** What the scenario's exported setup() returned, the same for every user. */
  data: any = undefined;
  /** This user's number, unique within the run. */
  userId = 0;

  /** Called once when the user starts, before its first task. */
  onStart?(): unknown;
  /** Called once when the user stops (also after StopUser). */
  onStop?(): unknown;

  /**
   * The trace record this task replays (`bench run … --trace trace.jsonl`), else undefined (docs/llm.md#trace-replay).
   * @example if (this.trace?.hashIds?.length) await this.llm.chat({ name: 'shared-prefix' });
   */
  get trace(): TraceRecord | undefined {
    return traceRecordOf(this);
  }

  /** A seeded random number in [0, 1): reproducible with --seed. */
  random(): number {
    return Math.random();
  }
}

/**
 * A user with an HTTP client (`this.client`) on a keep-alive connection.
 * @example
 * export class Shopper extends HttpUser {
 *   host = 'http://127.0.0.1:8080';
 *   waitTime = between(0.5, 2);
 *   @task(3) async browse() { await this.client.get('/items'); }
 * }
 */
export class HttpUser extends User {
  static abstract = true;

  /**
   * After a failed LLM request, or an HTTP request that could not connect, the
   * user's next request waits: 100–200 ms, doubling with each failure in a row
   * up to 2.5–5 s (jitter); a success resets it (docs/llm.md#backoff). Closed
   * load models only. Set to false to retry at once.
   * @example backoffOnError = false; // measure how the server copes with clients that never back off
   */
  backoffOnError = true;

  /** The measured HTTP client. Requests of one user are sequential. */
  get client(): HttpClient {
    const c = (this as unknown as Record<symbol, HttpClient | undefined>)[HTTP_CLIENT];
    if (!c) throw new Error('this.client is available from onStart on, not in the constructor or field initializers');
    return c;
  }
}
