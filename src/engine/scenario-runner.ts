import type { ScenarioConfig } from '../config/load-models.js';
import type { RunConfig } from '../config/resolve.js';
import { MetricsAggregate } from '../metrics/aggregate.js';
import type { MetricsDelta } from '../metrics/delta.js';
import type { ToWorker, UserClassInfo, WorkerScenario } from '../pool/protocol.js';
import { dealArrivals } from './schedule/arrivals.js';
import { Latch } from './latch.js';
import { classCounts, splitEvenly, userSequence, workerShares } from './plan.js';
import { isOpenModel, type Executor, type ExecutorContext, type ShapeInstance, type StageInfo } from './executors/index.js';

/** What a scenario needs from the run it belongs to. */
export interface RunPort {
  cfg: RunConfig;
  workerCount: number;
  post(worker: number, msg: ToWorker): void;
  /** Resolves when the whole run is asked to stop. */
  runStopped: Promise<void>;
  stop(reason: string): void;
  beginStage(stage: StageInfo): Promise<void>;
  stageRequests(): number;
  runningUsers(): number;
  warn(message: string): void;
}

/**
 * One scenario on the main thread: waits for its start time, runs its
 * executor, and ends when the model says so, or at its duration or
 * iterations; keeps its own figures when the run has several scenarios.
 */
export class ScenarioRunner {
  /** This scenario's figures, when they are kept apart. */
  readonly figures?: MetricsAggregate;
  startedAt = 0;
  endedAt = 0;
  /** Users the closed model asked for last (open models: 0). */
  plannedUsers = 0;
  peakUsers = 0;
  endReason = '';
  /** Fired when this scenario ends or the run stops. */
  private readonly ended = new Latch();
  private readonly exhaustedWorkers = new Set<number>();
  private exhaustedResolve!: () => void;
  private readonly exhausted: Promise<void>;
  private readonly retired = new Map<number, number>();
  private retiredWaiters: Array<{ users: number; resolve: () => void }> = [];
  private lastShares: string[] = [];
  private arrivalIndex = 0;
  private arrivalsStarted = false;
  private readonly seqCache = new Map<string, string[]>();

  constructor(
    readonly index: number,
    readonly scenario: ScenarioConfig,
    readonly executor: Executor,
    readonly classes: UserClassInfo[],
    private readonly run: RunPort,
    private readonly shape?: ShapeInstance,
    separateFigures = false,
  ) {
    if (separateFigures) this.figures = new MetricsAggregate();
    void run.runStopped.then(() => this.ended.fire());
    this.exhausted = new Promise((r) => (this.exhaustedResolve = r));
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
      run.stop(reason);
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
      setUsers: (running, maxUsers = running, classes) => this.setUsers(running, maxUsers, classes),
      sendArrivals: (times, end) => this.sendArrivals(times, end),
      beginStage: (stage) => run.beginStage(stage),
      stop: (reason) => run.stop(reason),
      stopped: this.ended.promise,
      elapsedMs: () => performance.now() - this.startedAt,
      runningUsers: () => run.runningUsers(),
      usersRetired: (users) => {
        const total = [...this.retired.values()].reduce((a, b) => a + b, 0);
        if (total >= users) return Promise.resolve();
        return new Promise((resolve) => this.retiredWaiters.push({ users, resolve }));
      },
      stageRequests: () => run.stageRequests(),
      sleep: (ms) => this.ended.sleep(ms),
      warn: (m) => run.warn(m),
    };
  }

  private sequence(classes: UserClassInfo[], maxUsers: number): string[] {
    const key = `${classes.map((c) => c.name).join(',')}|${maxUsers}`;
    let seq = this.seqCache.get(key);
    if (!seq) this.seqCache.set(key, (seq = userSequence(classCounts(classes, maxUsers))));
    return seq;
  }

  private setUsers(running: number, maxUsers: number, only?: string[]): void {
    this.plannedUsers = running;
    this.peakUsers = Math.max(this.peakUsers, running);
    const chosen = only ? this.classes.filter((c) => only.includes(c.name)) : this.classes;
    if (only && chosen.length < only.length) {
      const unknown = only.filter((n) => !this.classes.some((c) => c.name === n));
      this.run.warn(`scenario ${JSON.stringify(this.scenario.name)}: no user class named ${unknown.join(', ')}; the scenario has ${this.classes.map((c) => c.name).join(', ')}`);
    }
    const W = this.run.workerCount;
    const shares = workerShares(this.sequence(chosen, Math.max(running, maxUsers)), running, W);
    for (let i = 0; i < W; i++) {
      // Rotated by scenario, so several small scenarios do not all start on worker 0.
      const counts = shares[(((i - this.index) % W) + W) % W]!;
      for (const c of this.classes) counts[c.name] ??= 0;
      const key = JSON.stringify(counts);
      if (this.lastShares[i] === key) continue;
      this.lastShares[i] = key;
      this.run.post(i, { type: 'users', counts, scenario: this.scenario.name });
    }
  }

  private sendArrivals(times: number[], end: boolean): void {
    const W = this.run.workerCount;
    const dealt = dealArrivals(times, this.arrivalIndex, W);
    this.arrivalIndex += times.length;
    const originMs = performance.timeOrigin + this.startedAt;
    for (let i = 0; i < W; i++) {
      const mine = dealt[i]!;
      // The first batch goes to every worker, so each starts its pre-allocated users at once.
      if (mine.length === 0 && !end && this.arrivalsStarted) continue;
      this.run.post(i, { type: 'arrivals', scenario: this.scenario.name, originMs, offsetsMs: Float64Array.from(mine), end });
    }
    this.arrivalsStarted = true;
  }
}

/**
 * A closed scenario's shared iterations on one worker: split evenly over the
 * workers that will hold its users (user k of scenario i goes to worker
 * (k + i) mod W); the others get none and report the scenario exhausted at once.
 */
export function iterationShare(s: ScenarioConfig, index: number, worker: number, workers: number): number | undefined {
  if (s.iterations === undefined || isOpenModel(s)) return undefined;
  const hosts = s.executor === 'load-shape' ? workers : Math.max(1, Math.min(workers, s.maxUsers));
  const slot = (((worker - index) % workers) + workers) % workers;
  return slot < hosts ? splitEvenly(s.iterations, hosts)[slot]! : 0;
}

/** What worker `worker` of `workers` needs to know of scenario number `index` before the run. */
export function workerScenario(s: ScenarioConfig, index: number, worker: number, workers: number, separateStats: boolean, cfg: RunConfig): WorkerScenario {
  const open = isOpenModel(s);
  return {
    name: s.name,
    model: open ? 'open' : 'closed',
    userClasses: s.name === 'default' ? undefined : s.userClasses,
    tags: s.tags ?? cfg.tags,
    excludeTags: s.excludeTags ?? cfg.excludeTags,
    iterations: iterationShare(s, index, worker, workers),
    iterationsPerUser: s.iterationsPerUser,
    maxUsers: open ? splitEvenly(s.maxUsers, workers)[worker] : undefined,
    preAllocatedUsers: open ? splitEvenly(s.preAllocatedUsers, workers)[worker] : undefined,
    correctCoordinatedOmission: s.correctCoordinatedOmission,
    separateStats,
  };
}
