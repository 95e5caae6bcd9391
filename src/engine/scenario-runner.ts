import type { ScenarioConfig } from '../config/load-models.js';
import type { RunConfig } from '../config/resolve.js';
import { MetricsAggregate } from '../metrics/aggregate.js';
import type { MetricsDelta } from '../metrics/delta.js';
import type { CapacitySummary, StageSummary } from '../metrics/summary-types.js';
import type { ToWorker, UserClassInfo, WorkerScenario } from '../pool/protocol.js';
import type { Segment } from '../config/segment.js';
import { ownsArrival, segmentShare, segmentUserIndices, usersRunningNow } from './segment.js';
import { dealArrivals } from './schedule/arrivals.js';
import { Latch } from './latch.js';
import { classCounts, splitEvenly, userSequence, workerShares } from './plan.js';
import { isOpenModel, type Executor, type ExecutorContext, type ShapeInstance, type StageInfo } from './executors/index.js';

/** What a scenario needs from the run it belongs to. */
export interface RunPort {
  cfg: RunConfig;
  /** The share of the plan this instance runs (--segment); undefined: all of it. */
  segment?: Segment;
  workerCount: number;
  post(worker: number, msg: ToWorker): void;
  /** Resolves when the whole run is asked to stop. */
  runStopped: Promise<void>;
  stop(reason: string): void;
  /** Ends the whole run with an error of Volley's own (exit code 70), e.g. a load model that threw. */
  fail(reason: string): void;
  beginStage(stage: StageInfo): Promise<void>;
  stageRequests(): number;
  runningUsers(): number;
  warn(message: string): void;
  /** The last stage closed (capacity search: the step just measured). */
  lastStage?(): StageSummary | undefined;
  /** The capacity search's answer, for the summary. */
  reportCapacity?(capacity: CapacitySummary): void;
  /** Progress notes (stderr in the CLI, not warnings). */
  note?(message: string): void;
}

/**
 * One scenario on the main thread: waits for its start time, runs its
 * executor, and ends when the model says so, or at its duration or
 * iterations; keeps its own figures when the run has several scenarios.
 */
export class ScenarioRunner {
  /** This scenario's figures, when they are kept apart. */
  figures?: MetricsAggregate;
  startedAt = 0;
  endedAt = 0;
  /** Users of this instance's segment the closed model asked for last (open models: 0). */
  plannedUsers = 0;
  /** The most users of this instance's segment run at once. */
  peakUsers = 0;
  endReason = '';
  /** Fired when this scenario ends or the run stops. */
  private readonly ended = new Latch();
  private readonly exhaustedWorkers = new Set<number>();
  private exhaustedResolve!: () => void;
  private readonly exhausted: Promise<void>;
  private readonly retired = new Map<number, number>();
  private retiredWaiters: Array<{ users: number; resolve: () => void }> = [];
  /** Closed models: user counts posted to each worker, and the count each last said it had no user left after. */
  private readonly countsPosted: number[];
  private readonly idleAfter: number[];
  private goneWaiters: Array<() => void> = [];
  private lastShares: string[] = [];
  /** Arrivals of the whole plan's schedule seen so far, and of them those this instance makes. */
  private arrivalIndex = 0;
  private ownArrivals = 0;
  private arrivalsStarted = false;
  private readonly seqCache = new Map<string, string[]>();
  private owned?: { planTotal: number; indices: number[] };
  /** The whole plan's users the closed model runs now (setUsers' `running`). */
  private planRunning = 0;
  /** Live control took the users over: the model's own setUsers calls are ignored from then on. */
  private liveUsers?: { target: number; token: number };
  /** Live control's arrival rate (open models), versioned so the pump sees each change once. */
  private liveRate?: { ratePerSec: number; version: number };

  constructor(
    readonly index: number,
    readonly scenario: ScenarioConfig,
    readonly executor: Executor,
    readonly classes: UserClassInfo[],
    private readonly run: RunPort,
    private readonly shape?: ShapeInstance,
    separateFigures = false,
  ) {
    if (separateFigures) this.figures = new MetricsAggregate(run.cfg.extra.maxNames);
    void run.runStopped.then(() => this.ended.fire());
    this.exhausted = new Promise((r) => (this.exhaustedResolve = r));
    this.countsPosted = new Array<number>(run.workerCount).fill(0);
    this.idleAfter = new Array<number>(run.workerCount).fill(-1);
  }

  /** resetStats: this scenario's figures start afresh. */
  resetFigures(): void {
    if (this.figures) this.figures = new MetricsAggregate(this.run.cfg.extra.maxNames);
  }

  /**
   * Live control (closed models): the users become `target`. Fewer: the extra
   * users stop after their current task, at once. More: they start at
   * `spawnRate` per second, each step the prefix of the class-mix sequence of
   * `target` users, so the mix is kept. A later call replaces an unfinished spawn.
   */
  setLiveUsers(target: number, spawnRate: number): void {
    const token = (this.liveUsers?.token ?? 0) + 1;
    this.liveUsers = { target, token };
    const from = this.planRunning;
    if (target <= from || !Number.isFinite(spawnRate)) {
      this.setUsers(target, target);
      return;
    }
    const t0 = performance.now();
    void (async () => {
      let running = from;
      while (running < target && this.liveUsers?.token === token) {
        const due = Math.min(target, from + Math.floor(((performance.now() - t0) / 1000) * spawnRate) + 1);
        if (due !== running) {
          running = due;
          this.setUsers(running, target);
        }
        if (running >= target) return;
        const nextAtMs = ((running - from) / spawnRate) * 1000;
        if (await this.ended.sleep(Math.max(1, nextAtMs - (performance.now() - t0)))) return;
      }
    })();
  }

  /** The arrival rate set live, if any (open models). */
  get liveRatePerSec(): number | undefined {
    return this.liveRate?.ratePerSec;
  }

  /** Milliseconds since the scenario's load began (0 before). */
  scenarioElapsedMs(): number {
    return this.startedAt ? performance.now() - this.startedAt : 0;
  }

  /** Live control (open models): the arrival rate the pump switches to. */
  setLiveRate(ratePerSec: number): void {
    this.liveRate = { ratePerSec, version: (this.liveRate?.version ?? 0) + 1 };
  }

  addDelta(d: MetricsDelta): void {
    this.figures?.addDelta(d);
  }

  onExhausted(worker: number): void {
    this.exhaustedWorkers.add(worker);
    if (this.exhaustedWorkers.size >= this.run.workerCount) this.exhaustedResolve();
  }

  onRetired(worker: number, users: number): void {
    this.retired.set(worker, users);
    const total = [...this.retired.values()].reduce((a, b) => a + b, 0);
    this.retiredWaiters = this.retiredWaiters.filter((w) => (total >= w.users ? (w.resolve(), false) : true));
  }

  onIdle(worker: number, seen: number): void {
    this.idleAfter[worker] = seen;
    if (this.goneWaiters.length && this.usersAreGone()) {
      const waiters = this.goneWaiters;
      this.goneWaiters = [];
      for (const w of waiters) w();
    }
  }

  /**
   * True when users were asked for, and every worker said it has no user left
   * after the last count it was sent: no user runs, and none will start
   * unless the model asks for more.
   */
  private usersAreGone(): boolean {
    // An instance whose share of the plan is no user (--segment) has nothing to wait for but the clock.
    if (this.peakUsers === 0) return false;
    // Users set to 0 by live control: the run waits for more, it is not over.
    if (this.liveUsers?.target === 0) return false;
    return this.countsPosted.every((n, i) => n === 0 || this.idleAfter[i] === n);
  }

  /** Runs the scenario from its start time to its end; resolves with why it ended ('' if the run stopped first). */
  async execute(): Promise<string> {
    const s = this.scenario;
    const run = this.run;
    if (s.startTimeMs > 0 && (await this.ended.sleep(s.startTimeMs))) return '';
    this.startedAt = performance.now();
    const ctx = this.context();
    const reasons: Array<Promise<string>> = [this.executor.run(ctx).then((r) => r ?? 'load model finished'), run.runStopped.then(() => '')];
    // Workers report a scenario exhausted when its shared iterations are all run (or, open models, its arrivals).
    if (s.iterations !== undefined) reasons.push(this.exhausted.then(() => 'iterations done'));
    if (s.durationMs !== undefined) {
      reasons.push(this.ended.sleep(s.durationMs).then((cut) => (cut ? '' : 'duration reached')));
    }
    let reason: string;
    try {
      reason = await Promise.race(reasons);
    } catch (err) {
      reason = `load model failed: ${err instanceof Error ? err.message : String(err)}`;
      run.fail(reason);
    }
    this.endReason = reason;
    this.endedAt = performance.now();
    this.ended.fire();
    return reason;
  }

  /** Tells the workers this scenario is over; its users stop after their current task. */
  stopOnWorkers(): void {
    for (let i = 0; i < this.run.workerCount; i++) this.run.post(i, { type: 'stopScenario', scenario: this.scenario.name });
  }

  private context(): ExecutorContext {
    const run = this.run;
    const s = this.scenario;
    return {
      cfg: run.cfg,
      scenario: s,
      classes: this.classes,
      workerCount: run.workerCount,
      shape: this.shape,
      post: (i, msg) => run.post(i, msg),
      postAll: (msg) => {
        for (let i = 0; i < run.workerCount; i++) run.post(i, msg);
      },
      // Once live control set the users, the model's own plan no longer does.
      setUsers: (running, maxUsers = running, classes) => (this.liveUsers ? this.plannedUsers : this.setUsers(running, maxUsers, classes)),
      liveRate: () => this.liveRate,
      share: (total) => segmentShare(total, run.segment),
      sendArrivals: (times, end, indexed) => this.sendArrivals(times, end, indexed),
      arrivalsDone: () => this.exhausted,
      beginStage: (stage) => run.beginStage(stage),
      stop: (reason) => run.stop(reason),
      stopped: this.ended.promise,
      elapsedMs: () => performance.now() - this.startedAt,
      runningUsers: () => run.runningUsers(),
      usersRetired: (planUsers) => {
        const users = segmentShare(planUsers, run.segment);
        const total = [...this.retired.values()].reduce((a, b) => a + b, 0);
        if (total >= users) return Promise.resolve();
        return new Promise((resolve) => this.retiredWaiters.push({ users, resolve }));
      },
      usersGone: () => (this.usersAreGone() ? Promise.resolve() : new Promise((resolve) => this.goneWaiters.push(resolve))),
      stageRequests: () => run.stageRequests(),
      sleep: (ms) => this.ended.sleep(ms),
      warn: (m) => run.warn(m),
      setRate: (r) => this.setLiveRate(r),
      lastStage: () => run.lastStage?.(),
      reportCapacity: (c) => run.reportCapacity?.(c),
      note: (m) => (run.note ?? run.warn)(m),
    };
  }

  /**
   * The user sequence of the whole plan of `planTotal` users (classes
   * interleaved by weight), keeping only the users this instance's segment owns.
   */
  private sequence(classes: UserClassInfo[], planTotal: number): string[] {
    const key = `${classes.map((c) => c.name).join(',')}|${planTotal}`;
    let seq = this.seqCache.get(key);
    if (!seq) {
      seq = userSequence(classCounts(classes, planTotal));
      if (this.run.segment) {
        const all = seq;
        seq = this.ownedUsers(planTotal).map((j) => all[j]!);
      }
      this.seqCache.set(key, seq);
    }
    return seq;
  }

  /** Indices of the plan's user sequence this instance runs (every index without --segment). */
  private ownedUsers(planTotal: number): number[] {
    if (this.owned?.planTotal !== planTotal) this.owned = { planTotal, indices: segmentUserIndices(planTotal, this.run.segment) };
    return this.owned.indices;
  }

  /**
   * The closed model's users: the executor gives the whole plan's numbers
   * (`running` of a sequence of `maxUsers`); this instance runs the users of
   * that sequence its segment owns, spread over its workers.
   */
  private setUsers(running: number, maxUsers: number, only?: string[]): number {
    const chosen = only ? this.classes.filter((c) => only.includes(c.name)) : this.classes;
    if (only && chosen.length < only.length) {
      const unknown = only.filter((n) => !this.classes.some((c) => c.name === n));
      this.run.warn(`scenario ${JSON.stringify(this.scenario.name)}: no user class named ${unknown.join(', ')}; the scenario has ${this.classes.map((c) => c.name).join(', ')}`);
    }
    const planTotal = Math.max(running, maxUsers);
    this.planRunning = running;
    const seq = this.sequence(chosen, planTotal);
    const mine = this.run.segment ? usersRunningNow(this.ownedUsers(planTotal), running) : running;
    this.plannedUsers = mine;
    this.peakUsers = Math.max(this.peakUsers, mine);
    const W = this.run.workerCount;
    const shares = workerShares(seq, mine, W);
    for (let i = 0; i < W; i++) {
      // Rotated by scenario, so several small scenarios do not all start on worker 0.
      const counts = shares[(((i - this.index) % W) + W) % W]!;
      for (const c of this.classes) counts[c.name] ??= 0;
      const key = JSON.stringify(counts);
      if (this.lastShares[i] === key) continue;
      this.lastShares[i] = key;
      this.countsPosted[i]!++;
      this.run.post(i, { type: 'users', counts, scenario: this.scenario.name });
    }
    return mine;
  }

  /**
   * Sends the arrivals of the whole plan's schedule that this instance makes
   * (all of them without --segment), dealt round robin over its workers.
   */
  private sendArrivals(times: number[], end: boolean, indexed = false): void {
    const W = this.run.workerCount;
    const seg = this.run.segment;
    let mine = times;
    let numbers: number[] | undefined;
    if (indexed) numbers = times.map((_, k) => this.arrivalIndex + k);
    if (seg) {
      mine = [];
      const kept: number[] = [];
      for (let k = 0; k < times.length; k++) {
        if (ownsArrival(this.arrivalIndex + k, seg)) {
          mine.push(times[k]!);
          kept.push(this.arrivalIndex + k);
        }
      }
      if (numbers) numbers = kept;
    }
    this.arrivalIndex += times.length;
    const dealt = dealArrivals(mine, this.ownArrivals, W);
    const dealtNumbers = numbers && dealArrivals(numbers, this.ownArrivals, W);
    this.ownArrivals += mine.length;
    const originMs = performance.timeOrigin + this.startedAt;
    for (let i = 0; i < W; i++) {
      const forWorker = dealt[i]!;
      // The first batch goes to every worker, so each starts its pre-allocated users at once.
      if (forWorker.length === 0 && !end && this.arrivalsStarted) continue;
      const indices = dealtNumbers ? Uint32Array.from(dealtNumbers[i]!) : undefined;
      this.run.post(i, { type: 'arrivals', scenario: this.scenario.name, originMs, offsetsMs: Float64Array.from(forWorker), end, ...(indices && { indices }) });
    }
    this.arrivalsStarted = true;
  }
}

/**
 * A closed scenario's shared iterations on one worker: this instance's share
 * of them (--segment), split evenly over the workers that will hold its users
 * (user k of scenario i goes to worker (k + i) mod W); the others get none and
 * report the scenario exhausted at once.
 */
export function iterationShare(s: ScenarioConfig, index: number, worker: number, workers: number, seg?: Segment): number | undefined {
  if (s.iterations === undefined || isOpenModel(s)) return undefined;
  const hosts = s.executor === 'load-shape' ? workers : Math.max(1, Math.min(workers, segmentShare(s.maxUsers, seg)));
  const slot = (((worker - index) % workers) + workers) % workers;
  return slot < hosts ? splitEvenly(segmentShare(s.iterations, seg), hosts)[slot]! : 0;
}

/** What worker `worker` of `workers` needs to know of scenario number `index` before the run (its share of this instance's segment). */
export function workerScenario(s: ScenarioConfig, index: number, worker: number, workers: number, separateStats: boolean, cfg: RunConfig, seg?: Segment): WorkerScenario {
  const open = isOpenModel(s);
  return {
    name: s.name,
    model: open ? 'open' : 'closed',
    userClasses: s.name === 'default' ? undefined : s.userClasses,
    tags: s.tags ?? cfg.tags,
    excludeTags: s.excludeTags ?? cfg.excludeTags,
    iterations: iterationShare(s, index, worker, workers, seg),
    iterationsPerUser: s.iterationsPerUser,
    maxUsers: open ? splitEvenly(segmentShare(s.maxUsers, seg), workers)[worker] : undefined,
    preAllocatedUsers: open ? splitEvenly(segmentShare(s.preAllocatedUsers, seg), workers)[worker] : undefined,
    correctCoordinatedOmission: s.correctCoordinatedOmission,
    separateStats,
  };
}
