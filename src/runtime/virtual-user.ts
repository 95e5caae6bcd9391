import type { Dispatcher } from 'undici';
import { HTTP_CLIENT, type User } from '../api/user.js';
import { InterruptTaskSet } from '../api/taskset.js';
import type { PacedWait, WaitTime } from '../api/wait.js';
import { StopUser } from '../errors.js';
import { createHttpClient } from '../clients/http.js';
import { ErrorBackoff } from '../clients/backoff.js';
import type { ClientContext } from '../clients/context.js';
import type { SocketPool } from '../clients/wire/socket-pool.js';
import type { MetricsRecorder, RequestSample } from '../metrics/recorder.js';
import type { WorkerOptions } from '../pool/protocol.js';
import { deriveSeed, seededRandom } from '../util/random.js';
import { InterruptibleSleep } from './sleep.js';
import type { Heartbeat } from './heartbeat.js';
import { boundedHook, DEFAULT_LIFECYCLE_TIMEOUT_MS } from './lifecycle.js';
import { describeTaskError } from './task-error.js';
import { pickTask, taskTable, type TaskEntry, type TaskTable, type TagFilter } from './tasks.js';
import type { UserClass } from './load-scenario.js';
import { TRACE_RECORD } from '../api/trace.js';
import { traceRecordFor } from './trace-records.js';
import { waitSecondsProblem, waitTimeFieldProblem, waitTimeThrew } from './wait-check.js';

/** Extra clients (e.g. the LLM client) a user class may want attached. */
export type ClientAttacher = (user: User, ctx: ClientContext) => void;

/** Trends of the load models (docs/load-models.md). */
export const SCHEDULE_DELAY = 'schedule_delay';
export const LATENCY_FROM_INTENDED = 'latency_from_intended';
export const LATENCY_CORRECTED = 'latency_corrected';
/** step(): no task could run (none to pick, the budget used up, the stage's cap reached). */
const NO_TASK = -1;
/** How often a user held by a sweep stage's request cap looks again. */
const STAGE_WAIT_MS = 10;

/** What a user needs from the group that runs it (a scenario's share of a worker). */
export interface UserHost {
  readonly options: WorkerOptions;
  readonly recorder: MetricsRecorder;
  readonly dispatcher: Dispatcher;
  readonly sockets: SocketPool;
  readonly hardStop: AbortSignal;
  readonly filter: TagFilter;
  readonly setupData: unknown;
  /** True once the group or the worker stops: no new tasks. */
  readonly stopping: boolean;
  resolveHost(userHost: string | undefined): string | undefined;
  /** The user cannot run at all (a client it needs could not be created): ends the run with this error. */
  fatal(err: unknown): void;
  /** Whether the current sweep stage lets another task start (its request cap not reached); claims it if so. */
  stageTurn(): boolean;
  /** A warning for the user, once per worker for each key. */
  warnOnce(key: string, message: string): void;
  /** Claims one task run from the budget; false when it is used up. */
  takeIteration(): boolean;
  /** Counts tasks in flight for the main thread's watchdog (absent in tests that build users alone). */
  readonly heartbeat?: Heartbeat;
  /** A user's onStart or onStop did not settle within the lifecycle timeout. */
  hookTimedOut?(what: string, afterMs: number): void;
  finishIteration(): void;
}

/** A paced wait whose interval is shorter than a task: the pacing asked for cannot hold. */
function pacingMissed(owner: string, intervalSeconds: number): string {
  return `${owner}: a task took longer than its pacing interval of ${intervalSeconds} s (constantPacing/constantThroughput): tasks run back to back, fewer per second than the pacing asks; lengthen the interval or add users`;
}

/** How a user runs: looping on its own (closed models) or one task per arrival (open models). */
export interface UserMode {
  /** Closed: tasks this user runs before it stops (iterationsPerUser); it then calls onRetired. */
  iterations?: number;
  onRetired?: (user: VirtualUser) => void;
  /** Open: the user waits for arrivals; after each task it calls onFree. */
  onFree?: (user: VirtualUser) => void;
  /**
   * The user is done (its last act, just before `done` resolves): a group
   * shares one mode object, and so one function, among all its users, where a
   * `done.then` per user cost a closure and a promise each.
   */
  onEnded?: (user: VirtualUser) => void;
  /** Closed with a paced wait: record HdrHistogram's corrected latency too. */
  correctCoordinatedOmission?: boolean;
  /**
   * Set to this user's recorder once it exists: the worker's async-local store
   * for this user, so check(), measure() and the like land in the same recorder.
   */
  recorderSlot?: { recorder?: MetricsRecorder };
}

/** One warnOnce function per host, shared by its users' clients (not a closure per user). */
const warnOnces = new WeakMap<UserHost, (key: string, message: string) => void>();
function warnOnceOf(rt: UserHost): (key: string, message: string) => void {
  let f = warnOnces.get(rt);
  if (!f) warnOnces.set(rt, (f = (key, message) => rt.warnOnce(key, message)));
  return f;
}

const tables = new WeakMap<object, Map<TagFilter, TaskTable>>();
function tableFor(cls: object, filter: TagFilter): TaskTable {
  let byFilter = tables.get(cls);
  if (!byFilter) tables.set(cls, (byFilter = new Map()));
  let t = byFilter.get(filter);
  if (!t) {
    t = taskTable(cls as never, filter);
    byFilter.set(filter, t);
  }
  return t;
}

/**
 * A recorder that also records something for every completed request.
 * Object.create keeps every other method and field of the target through the
 * prototype, so counters, checks and trends land in the target as before.
 */
function decorateRequests(target: MetricsRecorder, also: (s: RequestSample) => void): MetricsRecorder {
  const view = Object.create(target) as MetricsRecorder;
  view.recordRequest = (s: RequestSample) => {
    target.recordRequest(s);
    if (!s.aborted) also(s);
  };
  return view;
}

/**
 * One simulated user: onStart, then tasks picked by weight with waits between
 * them until told to stop, then onStop. Its requests are sequential, as in Locust.
 * In open models it runs one task per arrival instead, without waits.
 */
export class VirtualUser {
  /** Set when this user should stop after its current task. */
  stopping = false;
  /** Set when it was told to stop (a ramp-down, the end of the run), as opposed to ending itself. */
  stopRequested = false;
  /** Set when it ran its iterationsPerUser and stopped. */
  retired = false;
  readonly done: Promise<void>;
  private readonly sleeper = new InterruptibleSleep();
  private readonly random: () => number;
  /** Open models: the recorder its arrivals' schedule delay goes to. */
  private arrivalRecorder?: MetricsRecorder;
  /** Its HTTP client, settled after each task. */
  private http?: { settle(): void };
  private stepsSinceYield = 0;
  /** Open model: intended start (performance.now() ms) of the arrival waiting for this user. */
  private pendingArrival?: number;
  /** Open model, trace replay: the record number of that arrival. */
  private pendingTraceIndex?: number;
  private wakeArrival?: () => void;
  /** Open model: how late the current task started; -1 outside an arrival's task. */
  private scheduleDelayMs = -1;
  /** The task (or hook) running now: what is counted as aborted if it never settles (abandon()). */
  private currentTask?: string;
  /** Waits after failures (clients/backoff.ts); closed models only, and not with `backoffOnError = false`. */
  private backoff?: ErrorBackoff;

  constructor(
    readonly cls: UserClass,
    readonly userId: number,
    private readonly rt: UserHost,
    private readonly attachers: ClientAttacher[],
    private readonly mode: UserMode = {},
  ) {
    this.random = seededRandom(deriveSeed(rt.options.seed, userId));
    this.done = this.run();
  }

  stop(): void {
    this.stopRequested = true;
    this.stopping = true;
    this.sleeper.interrupt();
    this.backoff?.interrupt();
    this.wakeArrival?.();
  }

  /** Open model: an arrival was handed to this user and its task has not started (it ended first: onStart failed). */
  get hasPendingArrival(): boolean {
    return this.pendingArrival !== undefined;
  }

  /** Open model: runs one task for an arrival due at `intendedMs` (performance.now() clock). */
  assign(intendedMs: number, traceIndex?: number): void {
    this.pendingArrival = intendedMs;
    this.pendingTraceIndex = traceIndex;
    const wake = this.wakeArrival;
    this.wakeArrival = undefined;
    wake?.();
  }

  private get active(): boolean {
    return !this.stopping && !this.rt.stopping;
  }

  private async run(): Promise<void> {
    // Let the caller finish registering this user before its code runs.
    await Promise.resolve();
    // Set once the user got as far as onStart: only then does onStop run, as before.
    let user: User | undefined;
    try {
      user = this.setUp();
      if (user === undefined) return;
      // An onStart that never settles ends this user (recorded as a failure), rather than leaving it idle and unseen.
      if (user.onStart && (await this.call('onStart', user)) === 'timeout') return;
      const table = tableFor(this.cls, this.rt.filter);
      if (this.mode.onFree) await this.runArrivals(table, user);
      else {
        // Closed models: tasks with waits until stopped, or until iterationsPerUser tasks ran.
        // The loop and its waits are here, not in a method of their own: an idle user then
        // holds one suspended async frame, not three (each costs about 500 bytes; bench:memory).
        let left = this.mode.iterations ?? Infinity;
        while (this.active && left > 0) {
          const waitMs = await this.step(table, user, user.waitTime);
          if (waitMs === NO_TASK) continue;
          left--;
          if (waitMs > 0) await this.sleeper.sleep(waitMs);
        }
        if (left <= 0) {
          this.retired = true;
          this.mode.onRetired?.(this);
        }
      }
    } catch (err) {
      if (!(err instanceof StopUser) && !(err instanceof InterruptTaskSet)) this.taskError(this.cls.name, err);
    } finally {
      if (user?.onStop) await this.call('onStop', user).catch(() => undefined);
      this.http?.settle();
      this.mode.onEnded?.(this);
    }
  }

  /**
   * Makes the user's object and its clients; undefined when it cannot run (its
   * constructor threw, or a client could not be attached). Apart from run() so
   * that run(), suspended for the user's whole life, holds none of this.
   */
  private setUp(): User | undefined {
    const rt = this.rt;
    let user: User;
    // The class's constructor and field initializers run here: one that throws
    // (say `waitTime = between(2, 1)`) ends this user with a failure, not the worker.
    // The worker's class check before the run reports a constructor that always throws.
    try {
      user = new this.cls();
    } catch (err) {
      this.taskError(`${this.cls.name}.constructor`, err);
      return undefined;
    }
    user.userId = this.userId;
    user.data = rt.setupData;
    user.random = this.random;
    const recorder = this.recorderFor(user);
    if (this.mode.recorderSlot) this.mode.recorderSlot.recorder = recorder;
    if (this.mode.onFree) this.arrivalRecorder = recorder;
    const ctx = this.clientContext(user, recorder);
    const http = (this.http = createHttpClient(ctx));
    (user as unknown as Record<symbol, unknown>)[HTTP_CLIENT] = http;
    try {
      for (const attach of this.attachers) attach(user, ctx);
    } catch (err) {
      // E.g. a bad LLM provider: no task of this user could run. Usually caught when the worker preloads.
      rt.fatal(err);
      return undefined;
    }
    return user;
  }

  /**
   * What this user's clients get. Made here rather than inline in run(): the
   * closures below then hold this small scope, not run()'s, for the user's
   * whole life.
   */
  private clientContext(user: User, recorder: MetricsRecorder): ClientContext {
    const rt = this.rt;
    const ctx: ClientContext = {
      recorder,
      dispatcher: rt.dispatcher,
      sockets: rt.sockets,
      baseUrl: rt.resolveHost(user.host),
      requestTimeoutMs: rt.options.requestTimeoutMs,
      random: this.random,
      hardStop: rt.hardStop,
      options: rt.options.extra,
      // Client warnings go to the main thread (protocol `warning`), which prints each once per run.
      warnOnce: warnOnceOf(rt),
      // A Retry-After wait is one of the user's waits: a stop cuts it short, and a stopped user (onStop) does not wait.
      pause: (ms) => (this.active ? this.sleeper.sleep(ms).then(() => this.active) : Promise.resolve(false)),
    };
    // Open models are paced by their schedule, not by the user: no backoff there.
    if (!this.mode.onFree && (user as { backoffOnError?: unknown }).backoffOnError !== false) {
      // The seed, not a generator: it is made on the first failure (most users never fail).
      ctx.backoff = this.backoff = new ErrorBackoff(deriveSeed(rt.options.seed ^ 0x5bd1e995, this.userId));
    }
    return ctx;
  }

  /** Open models: one task per arrival, no wait time; the schedule paces the user. */
  private async runArrivals(table: TaskTable, user: User): Promise<void> {
    const recorder = this.arrivalRecorder!;
    for (;;) {
      if (this.pendingArrival === undefined && this.active) await new Promise<void>((r) => (this.wakeArrival = r));
      const intended = this.pendingArrival;
      if (intended === undefined || !this.active) return;
      this.pendingArrival = undefined;
      this.scheduleDelayMs = Math.max(0, performance.now() - intended);
      recorder.recordTrend(SCHEDULE_DELAY, this.scheduleDelayMs);
      // Trace replay: the task sees its record as this.trace, and this.llm.chat() sends it.
      const traced = user as unknown as Record<symbol, unknown>;
      if (this.pendingTraceIndex !== undefined || traced[TRACE_RECORD] !== undefined) traced[TRACE_RECORD] = traceRecordFor(this.rt.options, this.pendingTraceIndex);
      this.pendingTraceIndex = undefined;
      try {
        await this.step(table, user, undefined);
      } finally {
        this.scheduleDelayMs = -1;
      }
      if (this.active) this.mode.onFree!(this);
    }
  }

  /**
   * The recorder this user's clients get. Open models add each request's
   * latency from its intended start (service time + how late its task
   * started); closed models with a paced wait may add HdrHistogram's
   * expected-interval correction (values and interval both in µs there).
   */
  private recorderFor(user: User): MetricsRecorder {
    const base = this.rt.recorder;
    if (this.mode.onFree) {
      return decorateRequests(base, (s) => {
        if (this.scheduleDelayMs >= 0) base.recordTrend(LATENCY_FROM_INTENDED, s.durationMs + this.scheduleDelayMs);
      });
    }
    const intervalSec = (user.waitTime as PacedWait | undefined)?.intervalSeconds;
    if (this.mode.correctCoordinatedOmission && intervalSec !== undefined) {
      const intervalMs = intervalSec * 1000;
      return decorateRequests(base, (s) => base.recordTrendWithExpectedInterval(LATENCY_CORRECTED, s.durationMs, intervalMs));
    }
    return base;
  }

  /**
   * Runs a lifecycle hook, bounded by --lifecycle-timeout; a throw other than
   * StopUser is recorded and swallowed, and so is a hook that does not settle
   * in time (a failure, and 'timeout' returned).
   */
  private async call(name: 'onStart' | 'onStop', user: User): Promise<void | 'timeout'> {
    const start = performance.now();
    const what = `${this.cls.name}.${name}`;
    const limitMs = this.rt.options.lifecycleTimeoutMs ?? DEFAULT_LIFECYCLE_TIMEOUT_MS;
    this.currentTask = what;
    try {
      // The closure is made here, not by run(): run() would then keep `user` in a scope of its own for the user's life.
      if ((await boundedHook(() => user[name]!(), limitMs)) === 'timeout') {
        this.rt.recorder.recordTaskError(what, `${name}() did not settle within ${limitMs / 1000}s (--lifecycle-timeout)`);
        this.rt.hookTimedOut?.(what, limitMs);
        return 'timeout';
      }
    } catch (err) {
      if (err instanceof StopUser) throw err;
      this.taskError(what, err);
    } finally {
      this.currentTask = undefined;
    }
  }

  /**
   * The run is over and this user is still inside a task (or hook) whose
   * promise never settled: count that task as aborted under its name, so it is
   * not lost. Called once, when the worker gives up waiting for the user.
   */
  abandon(): void {
    if (this.currentTask === undefined) return;
    this.rt.recorder.recordRequest({ method: 'TASK', name: this.currentTask, durationMs: 0, bytes: 0, aborted: true });
    this.currentTask = undefined;
  }

  /**
   * A task or hook threw: a task error, with where the scenario threw it;
   * not a request (Locust keeps exceptions apart from request failures too).
   */
  private taskError(name: string, err: unknown): void {
    const { message, ...where } = describeTaskError(err);
    this.rt.recorder.recordTaskError(name, message, where);
  }

  /**
   * One pick-and-run for the user or a task set: the wait time (ms) the caller
   * then sleeps, or NO_TASK when no task could run. The caller sleeps, not this
   * method, so a sleeping user is not suspended in it too.
   */
  private async step(table: TaskTable, target: object, waitTime: WaitTime | undefined, seq?: { i: number }): Promise<number> {
    // A sweep stage that has its requests: wait (the engine ends the stage and stops this user).
    while (!this.rt.stageTurn()) {
      if (!this.active || this.rt.stopping) return NO_TASK;
      await new Promise((r) => setTimeout(r, STAGE_WAIT_MS));
    }
    if (table.entries.length === 0 || !this.rt.takeIteration()) {
      this.stopping = true;
      return NO_TASK;
    }
    const entry = seq ? table.entries[seq.i++ % table.entries.length]! : pickTask(table, this.random());
    const rt = this.rt;
    rt.recorder.recordTask(entry.name);
    // The wait time's lastTaskSeconds; no clock read for a user without a wait time (a throughput test).
    const start = waitTime ? performance.now() : 0;
    const beat = rt.heartbeat?.taskStarted(entry, this.cls, entry.name) ?? -1;
    const outer = this.currentTask;
    this.currentTask = entry.name;
    try {
      if (entry.taskSet) await this.runTaskSet(entry, target);
      else {
        // A plain task runs here, not in a helper: one async frame less per task on the hot path.
        try {
          await entry.fn!.call(target, target);
        } catch (err) {
          if (err instanceof StopUser || err instanceof InterruptTaskSet) throw err;
          if (!rt.hardStop.aborted) this.taskError(entry.name, err);
        }
      }
    } finally {
      this.currentTask = outer;
      rt.heartbeat?.taskEnded(beat);
      // Also when the task left with StopUser or interrupt(): the budget's in-flight count must drop.
      this.http?.settle();
      this.rt.finishIteration();
    }
    if (waitTime && this.active) {
      const seconds = this.waitSeconds(waitTime, target, start);
      if (seconds === undefined) {
        // The run ends with the wait time's error (rt.fatal); this user stops here.
        this.stopping = true;
        return NO_TASK;
      }
      if (seconds > 0) {
        this.stepsSinceYield = 0;
        return seconds * 1000;
      }
    }
    // A task that never waits on I/O (it fails at once, or only computes) would
    // starve the worker's timers, snapshots included: yield now and then.
    if (++this.stepsSinceYield >= 64) {
      this.stepsSinceYield = 0;
      await new Promise<void>((r) => setImmediate(r));
    }
    return 0;
  }

  /**
   * Seconds to wait after a task, or undefined when the wait time is not a
   * function, throws or returns something other than seconds >= 0: that is a
   * scenario error which ends the run (exit 2), not a silent 0 nor a dead user.
   */
  private waitSeconds(waitTime: WaitTime, target: object, startMs: number): number | undefined {
    const owner = target.constructor.name;
    let problem = waitTimeFieldProblem(owner, waitTime);
    let seconds: unknown;
    const lastTaskSeconds = (performance.now() - startMs) / 1000;
    if (!problem) {
      try {
        seconds = waitTime.call(target, { lastTaskSeconds, random: this.random });
      } catch (err) {
        problem = waitTimeThrew(owner, err);
      }
    }
    problem ??= waitSecondsProblem(owner, seconds);
    if (!problem) {
      const interval = (waitTime as PacedWait).intervalSeconds;
      if (interval !== undefined && lastTaskSeconds > interval) this.rt.warnOnce(`pacing:${owner}`, pacingMissed(owner, interval));
      return seconds as number;
    }
    this.rt.fatal(problem);
    return undefined;
  }

  private async runTaskSet(entry: TaskEntry, parent: object): Promise<void> {
    const user = 'user' in parent ? (parent as { user: User }).user : (parent as User);
    const table = entry.table ?? tableFor(entry.taskSet!, this.rt.filter);
    // A set with nothing to run under the tag filter is left at once: the user goes on with its other tasks.
    if (table.entries.length === 0) return;
    const ts = new (entry.taskSet as new (u: User, p: object) => { waitTime?: WaitTime; onStart?(): unknown; onStop?(): unknown })(user, parent);
    const seq = table.sequential ? { i: 0 } : undefined;
    try {
      if (ts.onStart) await ts.onStart();
      while (this.active) {
        const waitMs = await this.step(table, ts, ts.waitTime ?? user.waitTime, seq);
        if (waitMs > 0) await this.sleeper.sleep(waitMs);
      }
    } catch (err) {
      if (!(err instanceof InterruptTaskSet)) throw err;
    } finally {
      if (ts.onStop) await Promise.resolve(ts.onStop()).catch(() => undefined);
    }
  }
}
