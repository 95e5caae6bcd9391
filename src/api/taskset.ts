import type { HttpClient } from './types.js';
import type { TaskSpec } from './task.js';
import type { WaitTime } from './wait.js';
import type { User } from './user.js';

export const IS_TASKSET = Symbol.for('volley.isTaskSet');
export const IS_SEQUENTIAL = Symbol.for('volley.isSequential');

/**
 * Thrown by `interrupt()`: leaves the task set and returns to its parent. Call
 * `this.interrupt()` rather than throwing it yourself.
 * @example
 * @task async leave() { this.interrupt(); }
 */
export class InterruptTaskSet extends Error {
  constructor(readonly reschedule = true) {
    super('InterruptTaskSet');
    this.name = 'InterruptTaskSet';
  }
}

/**
 * A group of tasks a user enters and stays in until `this.interrupt()`, as in
 * Locust. Use the class itself as a task of a user or of another task set.
 * @example
 * class Browse extends TaskSet<Shopper> {
 *   @task(5) async item() { await this.client.get('/item/1'); }
 *   @task(1) async leave() { this.interrupt(); }
 * }
 * export class Shopper extends HttpUser { static tasks = [Browse]; }
 */
export class TaskSet<U extends User = any> {
  static readonly [IS_TASKSET] = true;
  static tasks?: TaskSpec;
  static tags?: string[];
  /** Wait time between this set's tasks; default: the user's. */
  waitTime?: WaitTime;

  constructor(
    /** The virtual user running this task set. */
    readonly user: U,
    /** The user or task set that entered this one. */
    readonly parent: unknown,
  ) {}

  /** The user's HTTP client. */
  get client(): HttpClient {
    return (this.user as unknown as { client: HttpClient }).client;
  }

  /** Shared setup() data, as on the user. */
  get data(): any {
    return this.user.data;
  }

  /** Leaves this task set and goes back to the parent's tasks. */
  interrupt(reschedule = true): never {
    throw new InterruptTaskSet(reschedule);
  }

  onStart?(): unknown;
  onStop?(): unknown;
}

/**
 * A task set whose tasks run in the order they are declared, over and over,
 * until `this.interrupt()`.
 * @example
 * class Checkout extends SequentialTaskSet {
 *   @task async cart() { await this.client.get('/cart'); }
 *   @task async pay() { await this.client.post('/pay'); this.interrupt(); }
 * }
 */
export class SequentialTaskSet<U extends User = any> extends TaskSet<U> {
  static readonly [IS_SEQUENTIAL] = true;
}
