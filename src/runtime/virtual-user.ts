import { HTTP_CLIENT, type User } from '../api/user.js';
import { InterruptTaskSet } from '../api/taskset.js';
import type { WaitTime } from '../api/wait.js';
import { StopUser } from '../errors.js';
import { createHttpClient } from '../clients/http.js';
import type { ClientContext } from '../clients/context.js';
import { deriveSeed, seededRandom } from '../util/random.js';
import { InterruptibleSleep } from './sleep.js';
import { pickTask, taskTable, type TaskEntry, type TaskTable, type TagFilter } from './tasks.js';
import type { UserClass } from './load-scenario.js';
import type { WorkerRuntime } from './worker-runtime.js';

/** Extra clients (e.g. the LLM client) a user class may want attached. */
export type ClientAttacher = (user: User, ctx: ClientContext) => void;

const tables = new WeakMap<object, TaskTable>();
function tableFor(cls: object, filter: TagFilter): TaskTable {
  let t = tables.get(cls);
  if (!t) {
    t = taskTable(cls as never, filter);
    tables.set(cls, t);
  }
  return t;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/**
 * One simulated user: onStart, then tasks picked by weight with waits between
 * them until told to stop, then onStop. Its requests are sequential, as in Locust.
 */
export class VirtualUser {
  /** Set when this user should stop after its current task. */
  stopping = false;
  readonly done: Promise<void>;
  private readonly sleeper = new InterruptibleSleep();
  private readonly random: () => number;
  private settle?: () => void;
  private stepsSinceYield = 0;

  constructor(
    readonly cls: UserClass,
    readonly userId: number,
    private readonly rt: WorkerRuntime,
    private readonly attachers: ClientAttacher[],
  ) {
    this.random = seededRandom(deriveSeed(rt.options.seed, userId));
    this.done = this.run();
  }

  stop(): void {
    this.stopping = true;
    this.sleeper.interrupt();
  }

  private get active(): boolean {
    return !this.stopping && !this.rt.stopping;
  }

  private async run(): Promise<void> {
    // Let the caller finish registering this user before its code runs.
    await Promise.resolve();
    const rt = this.rt;
    const user = new this.cls();
    user.userId = this.userId;
    user.data = rt.setupData;
    user.random = this.random;
    const ctx: ClientContext = {
      recorder: rt.recorder,
      dispatcher: rt.dispatcher,
      baseUrl: rt.resolveHost(user.host),
      requestTimeoutMs: rt.options.requestTimeoutMs,
      random: this.random,
      hardStop: rt.hardStop.signal,
      options: rt.options.extra,
    };
    const http = createHttpClient(ctx);
    this.settle = http.settle;
    (user as unknown as Record<symbol, unknown>)[HTTP_CLIENT] = http;
    for (const attach of this.attachers) attach(user, ctx);

    let stoppedByUser = false;
    try {
      if (user.onStart) await this.call('onStart', () => user.onStart!());
      const table = tableFor(this.cls, rt.filter);
      while (this.active) await this.step(table, user, user.waitTime, () => this.active);
    } catch (err) {
      if (err instanceof StopUser) stoppedByUser = true;
      else if (!(err instanceof InterruptTaskSet)) rt.recorder.recordError('TASK', this.cls.name, messageOf(err));
    } finally {
      void stoppedByUser;
      if (user.onStop) await this.call('onStop', () => user.onStop!()).catch(() => undefined);
      this.settle?.();
    }
  }

  /** Runs a lifecycle hook; a throw other than StopUser is recorded and swallowed. */
  private async call(name: string, fn: () => unknown): Promise<void> {
    const start = performance.now();
    try {
      await fn();
    } catch (err) {
      if (err instanceof StopUser) throw err;
      this.rt.recorder.recordRequest({ method: 'TASK', name: `${this.cls.name}.${name}`, durationMs: performance.now() - start, bytes: 0, error: messageOf(err) });
    }
  }

  /** One pick-run-wait cycle for the user or a task set. */
  private async step(table: TaskTable, target: object, waitTime: WaitTime | undefined, active: () => boolean, seq?: { i: number }): Promise<void> {
    if (table.entries.length === 0 || !this.rt.takeIteration()) {
      this.stopping = true;
      return;
    }
    const entry = seq ? table.entries[seq.i++ % table.entries.length]! : pickTask(table, this.random());
    const start = performance.now();
    await this.runEntry(entry, target);
    this.settle?.();
    this.rt.finishIteration();
    if (waitTime && active()) {
      const seconds = waitTime.call(target, { lastTaskSeconds: (performance.now() - start) / 1000, random: this.random });
      if (seconds > 0) {
        this.stepsSinceYield = 0;
        return this.sleeper.sleep(seconds * 1000);
      }
    }
    // A task that never waits on I/O (it fails at once, or only computes) would
    // starve the worker's timers, snapshots included: yield now and then.
    if (++this.stepsSinceYield >= 64) {
      this.stepsSinceYield = 0;
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  private async runEntry(entry: TaskEntry, target: object): Promise<void> {
    this.rt.recorder.recordTask(entry.name);
    if (entry.taskSet) return this.runTaskSet(entry.taskSet, target);
    const start = performance.now();
    try {
      await entry.fn!.call(target, target);
    } catch (err) {
      if (err instanceof StopUser || err instanceof InterruptTaskSet) throw err;
      if (this.rt.hardStop.signal.aborted) return;
      this.rt.recorder.recordRequest({ method: 'TASK', name: entry.name, durationMs: performance.now() - start, bytes: 0, error: messageOf(err) });
    }
  }

  private async runTaskSet(cls: abstract new (...a: any[]) => any, parent: object): Promise<void> {
    const user = 'user' in parent ? (parent as { user: User }).user : (parent as User);
    const ts = new (cls as new (u: User, p: object) => { waitTime?: WaitTime; onStart?(): unknown; onStop?(): unknown })(user, parent);
    const table = tableFor(cls, this.rt.filter);
    const seq = table.sequential ? { i: 0 } : undefined;
    try {
      if (ts.onStart) await ts.onStart();
      while (this.active) await this.step(table, ts, ts.waitTime ?? user.waitTime, () => this.active, seq);
    } catch (err) {
      if (!(err instanceof InterruptTaskSet)) throw err;
    } finally {
      if (ts.onStop) await Promise.resolve(ts.onStop()).catch(() => undefined);
    }
  }
}
