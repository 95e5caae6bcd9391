import { resolve } from 'node:path';
import type { RunConfig } from '../config/resolve.js';
import { parseSegment, type Segment } from '../config/segment.js';
import { segmentShare } from './segment.js';
import { readSetupData } from './setup-data.js';
import { UserError, VolleyError } from '../errors.js';
import { MetricsAggregate } from '../metrics/aggregate.js';
import type { LiveSnapshot } from '../metrics/live-snapshot.js';
import type { MetricsDelta } from '../metrics/delta.js';
import type { CapacitySummary, RunAction, RunSummary } from '../metrics/summary-types.js';
import { overSaturatedStop } from './capacity/stop.js';
import { WorkerPool, type WorkerThreads } from '../pool/pool.js';
import type { FromWorker, UserClassInfo, WorkerOptions } from '../pool/protocol.js';
import type { Reporter } from '../metrics/reporter.js';
import { errorRateExceeded } from './error-rate.js';
import { RunGuard } from './run-guard.js';
import { evaluateThresholds, thresholdsToAbort } from '../thresholds/index.js';
import type { Threshold } from '../thresholds/index.js';
import { splitEvenly } from './plan.js';
import { usersOnWorker, workerCountFor } from './sizing.js';
import { targetRatePerSec } from './target-rate.js';
import { isOpenModel, pickExecutor, type ShapeInstance, type StageInfo } from './executors/index.js';
import { isSweep } from './executors/sweep.js';
import type { ScenarioConfig } from '../config/load-models.js';
import { ScenarioRunner, workerScenario, type RunPort } from './scenario-runner.js';
import { applyShapes, loadShapes } from './shapes.js';
import { StageBudget } from '../pool/stage-budget.js';
import { setLongTimeout, type LongTimeout } from '../util/long-timeout.js';
import { endOfRunWarnings } from './generator-load.js';
import { Watchdog } from './watchdog.js';
import { stopWorkersWithDeadline } from './stop-workers.js';
import { lifecycleTimeoutMs, runSetupBounded, runTeardownBounded, sayWhileWaiting } from './lifecycle.js';
import { formatDuration } from '../util/format-duration.js';
import { ReporterHub } from './reporter-hub.js';
import { buildRunSummary } from './summary-builder.js';
import { FigureFanIn, type FoldedInterval } from './fan-in.js';
import { checkHosts, checkPlan, classesOf, startServices, waitForSignalIfPaused, waitForStartAt, type SideService } from './gates.js';
import { checkLiveRate, checkLiveUsers, describeAction } from './live-control.js';
import { GeneratorHealthLog } from '../metrics/generator-health.js';
import type { ServerMetricsScraper } from '../telemetry/server-scraper.js';
import { telemetryOptionsShown } from '../telemetry/scrape-target.js';

export type { SideService } from './gates.js';

export interface RunDeps {
  reporters: Reporter[];
  /** Starts the built-in mock server when a user class's host is 'mock'. */
  startMock?: (cfg: RunConfig) => Promise<SideService>;
  /** Receives warnings meant for the user (stderr in the CLI). */
  warn: (message: string) => void;
  /** Parsed thresholds: evaluated every interval (for early aborts) and at the end. */
  thresholds: Threshold[];
  /** Folder that relative paths of the options (--setup-data) are read from; default: the process's. */
  cwd?: string;
  /** The scenario's content hash (Bundle.sourceHash), recorded in summary.json for bench merge. */
  scenarioHash?: string;
  /** Receives progress notes (still loading the scenario…), stderr in the CLI; default: warn. */
  note?: (message: string) => void;
  /** Worker threads started before the run (cli/prestart.ts): taken when the run needs as many. */
  threads?: WorkerThreads;
}

/**
 * One run: start workers, plan users over them, merge their metrics every
 * second, stop cleanly, and build the summary. Only this class knows the order
 * of those steps; everything else is a part it calls.
 */
export class Run {
  private pool?: WorkerPool;
  /** The workers' figures merged: intervals, totals, stages, history, health. */
  private readonly figures: FigureFanIn;
  private endWarned = false;
  private readonly workerWarnings = new Set<string>();
  private startedAt = 0;
  private loadStartedAt = 0;
  private stoppedAt = 0;
  private stoppedWall = 0;
  private stopReason = '';
  private stopRequested?: () => void;
  private readonly stopPromise: Promise<void>;
  private classes: UserClassInfo[] = [];
  /** The run's scenarios, LoadShapes applied; one 'default' unless the options have `scenarios`. */
  private scenarios: ScenarioConfig[];
  private shapeFor = new Map<string, ShapeInstance>();
  private runners: ScenarioRunner[] = [];
  private interrupted = false;
  private services: SideService[] = [];
  /** The share of the plan this instance runs (--segment); undefined: the whole plan. */
  private readonly segment?: Segment;
  /** What setup() returned (or --setup-data holds): every user's `this.data`, and teardown's argument. */
  private setupData: unknown;
  /** A user error a worker hit during the run (e.g. an LLM client it could not create): the run ends with it. */
  private fatal?: { message: string; hint?: string; userError?: boolean };
  /** Failures of Volley's own during the run (a worker died, a load model threw): the run ends, its results are written, exit code 70. */
  private readonly failures: string[] = [];
  /** Watches the workers' heartbeats: blocked ones are shown live, and named when they do not stop. */
  private watchdog?: Watchdog;
  /** What did not finish in time (meta.timedOut). */
  private readonly timedOut: string[] = [];
  private hurryRequested?: () => void;
  /** Settles when a signal comes during the stop: in-flight requests are aborted at once. */
  private readonly hurried = new Promise<void>((r) => (this.hurryRequested = r));
  /** Set while teardown() runs: a signal then ends the wait for it. */
  private cutTeardown?: () => void;
  /** Stops a run whose every request is refused (401/403) or cannot connect (run-guard.ts). */
  private guard?: RunGuard;
  /** Why the run guard stopped the run: a user error (exit 2), with the results still written. */
  userStop?: UserError;
  /** The reporters, each hook awaited in turn; one that throws is warned about. */
  private readonly hub: ReporterHub;
  /** Changes of the load made while the run ran (live control), in order: summary.actions. */
  readonly actions: RunAction[] = [];
  /** The inference servers' /metrics, scraped each second (--server-metrics; docs/telemetry.md). */
  /** --server-metrics: made in execute(), so a run without it does not load the scraper. */
  private server?: ServerMetricsScraper;
  /** The workers' health over the run: summary.generator. */
  private readonly generatorHealth = new GeneratorHealthLog();
  /** --find-capacity's answer, once the search ended (summary.capacity). */
  private capacity?: CapacitySummary;

  constructor(
    private readonly cfg: RunConfig,
    private readonly bundlePath: string,
    private readonly deps: RunDeps,
  ) {
    this.stopPromise = new Promise((r) => (this.stopRequested = r));
    this.figures = new FigureFanIn(cfg);
    this.scenarios = cfg.scenarios;
    this.segment = cfg.extra.segment ? parseSegment(cfg.extra.segment) : undefined;
    this.hub = new ReporterHub(deps.reporters, deps.warn);
  }

  /** Asks for a graceful stop (SIGINT, q in the TUI, a threshold). The first reason wins. */
  stop(reason: string, interrupted = false): void {
    // One rule (docs/exit-codes.md): a signal once the run is stopping still cuts requests short, so the run is interrupted.
    if (this.stopReason) return void (interrupted && this.interruptStop(reason));
    this.stopReason = reason;
    this.interrupted = interrupted;
    this.stopRequested?.();
  }

  /**
   * Ends the run because of a failure of Volley's own (a worker died, a load
   * model threw): it stops as a stop does, and the summary is still written,
   * but the run's exit code is 70.
   */
  fail(reason: string): void {
    this.failures.push(reason);
    this.stop(reason.split('\n')[0]!);
  }

  /** A signal during the stop: in-flight requests are aborted now, and the run counts as interrupted. */
  private interruptStop(reason: string): void {
    if (!this.interrupted) this.stopReason = `${this.stopReason}, then ${reason}`;
    this.interrupted = true;
    this.hurryRequested?.();
    this.cutTeardown?.();
  }

  /**
   * A second Ctrl-C: end as fast as possible, still counting what was in
   * flight (aborted) and writing every file: no grace, no teardown().
   */
  interruptAgain(): void {
    if (!this.stopReason) this.stop('interrupted', true);
    this.stopReason = 'interrupted twice';
    this.interrupted = true;
    this.hurryRequested?.();
    this.cutTeardown?.();
  }

  /** What went wrong inside Volley during the run, if anything (exit code 70); undefined for a clean run. */
  get internalError(): string | undefined {
    return this.failures.length ? this.failures.join('\n') : undefined;
  }

  /** True once a stop was asked for (the run is stopping or done). */
  get stopping(): boolean {
    return Boolean(this.stopReason);
  }

  /**
   * Live control: the closed model's users become `users`, new ones started
   * at `spawnRate` per second (default: the scenario's) in the class mix,
   * extra ones stopped after their current task. A UserError for an open
   * model, a model that sets its own users, or a bad value.
   */
  setUsers(users: number, spawnRate?: number): void {
    const runner = checkLiveUsers(this.liveRunners('setUsers'), users, spawnRate);
    const rate = spawnRate ?? runner.scenario.spawnRate ?? Infinity;
    runner.setLiveUsers(users, rate);
    this.recordAction({ action: 'setUsers', users, ...(Number.isFinite(rate) && { spawnRate: rate }) });
  }

  /** Live control: the open model's arrival rate becomes `ratePerSec` from the arrivals not yet sent on (no burst). */
  setRate(ratePerSec: number): void {
    const runner = checkLiveRate(this.liveRunners('setRate'), ratePerSec);
    runner.setLiveRate(ratePerSec);
    this.recordAction({ action: 'setRate', ratePerSec });
  }

  /** Live control: the figures start afresh from now (Locust's "Reset stats"); the history keeps its rows. */
  resetStats(): void {
    this.liveRunners('resetStats');
    this.figures.reset();
    for (const r of this.runners) r.resetFigures();
    this.recordAction({ action: 'resetStats' });
  }

  /** A graceful stop asked for by a user (the TUI's q, startRun's handle, the web UI): recorded as an action. */
  stopByUser(reason = 'stopped by user'): void {
    if (!this.stopReason) this.recordAction({ action: 'stop', reason });
    this.stop(reason, true);
  }

  /** The runners live control may act on: only while the load runs. */
  private liveRunners(what: string): ScenarioRunner[] {
    if (!this.loadStartedAt || this.stopReason) throw new UserError(`${what}: the run is ${this.stopReason ? 'stopping' : 'still starting'}; live control acts only while the load runs`);
    return this.runners;
  }

  private recordAction(a: Omit<RunAction, 'atMs'>): void {
    const action: RunAction = { atMs: this.loadStartedAt ? Math.round(performance.now() - this.loadStartedAt) : 0, ...a };
    this.actions.push(action);
    this.figures.mark(describeAction(action));
  }

  /** Keep each scenario's figures apart: the options have `scenarios`. */
  private get separateScenarios(): boolean {
    return this.scenarios.some((s) => s.name !== 'default');
  }

  /** This instance's share of a count of the whole plan (--segment). */
  private share(total: number): number {
    return segmentShare(total, this.segment);
  }

  async execute(): Promise<RunSummary> {
    this.startedAt = Date.now();
    const metricsUrls = this.cfg.extra.serverMetrics;
    if (metricsUrls?.length) {
      const { ServerMetricsScraper } = await import('../telemetry/server-scraper.js');
      this.server = new ServerMetricsScraper({ urls: metricsUrls, names: this.cfg.extra.serverMetric, warn: this.deps.warn });
    }
    const sweep = isSweep(this.cfg);
    const applied = applyShapes(this.cfg.scenarios, await loadShapes(this.bundlePath), sweep, this.deps.warn);
    this.scenarios = applied.scenarios;
    this.shapeFor = applied.shapeFor;
    checkPlan(this.cfg, this.scenarios, this.segment);
    // Read before any worker starts, so a bad file fails at once.
    const setupFile = this.cfg.extra.setupData;
    const fileData = setupFile !== undefined ? readSetupData(resolve(this.deps.cwd ?? '.', setupFile)) : undefined;
    const W = workerCountFor(this.cfg, this.scenarios, this.segment);
    const iterShares = this.cfg.iterations !== undefined ? splitEvenly(this.share(this.cfg.iterations), W) : undefined;
    const base: Omit<WorkerOptions, 'iterations' | 'maxUsers'> = {
      host: this.cfg.host,
      hostAliases: {},
      seed: this.cfg.seed,
      requestTimeoutMs: this.cfg.requestTimeoutMs,
      userClasses: this.cfg.userClasses,
      tags: this.cfg.tags,
      excludeTags: this.cfg.excludeTags,
      snapshotIntervalMs: this.cfg.snapshotIntervalMs,
      extra: this.cfg.extra as Record<string, unknown>,
      stageBudget: this.stageBudget.buffer,
      lifecycleTimeoutMs: lifecycleTimeoutMs(this.cfg),
    };
    // Each scenario is its own group of users on every worker; runners are built once classes are known.
    const separate = this.separateScenarios;
    this.pool = new WorkerPool(W, this.bundlePath, (i) => ({
      ...base,
      hostAliases: {},
      maxUsers: usersOnWorker(this.cfg, this.scenarios, this.segment, i, W),
      iterations: iterShares?.[i],
      scenarios: this.scenarios.map((s, k) => workerScenario(s, k, i, W, separate, this.cfg, this.segment)),
    }), this.deps.threads);
    const workers = this.pool.workers;
    try {
      // Only a block during the load is worth a warning: a worker loading its modules (tiktoken, the scenario) at start is not stuck.
      this.watchdog = new Watchdog(workers, (i, tasks) => {
        if (this.loadStartedAt > 0) this.deps.warn(`worker ${i} is blocked: its event loop has not turned for 1s${tasks ? ` (running: ${tasks})` : ''}`);
      }).start();
      const note = this.deps.note ?? this.deps.warn;
      const ready = await sayWhileWaiting(Promise.all(workers.map((w) => w.next('ready'))), (ms) =>
        note(`loading the scenario in ${W} worker${W === 1 ? '' : 's'}… (its top-level code is still running, ${formatDuration(ms)})`),
        // Threads take a while to start on a busy machine: only a wait past that is worth a line.
        5000,
      );
      // Each worker checked the classes its scenarios use (describeClasses): one without tasks never gets here.
      this.classes = ready[0]!.classes;
      this.guard = new RunGuard(this.classes, this.cfg.host);
      this.runners = this.scenarios.map(
        (s, i) => new ScenarioRunner(i, s, pickExecutor(this.cfg, s), classesOf(s, this.classes, this.deps.warn), this.port(), this.shapeFor.get(s.name), separate),
      );
      for (const w of workers) w.onMessage((m) => this.onWorkerMessage(w.index, m));

      const hostAliases = await startServices(this.cfg, this.classes, this.deps.startMock, this.services);
      await checkHosts(this.cfg, this.classes, hostAliases);

      // With --setup-data, setup() ran once elsewhere (bench setup); this instance only reads its result.
      const setup = setupFile !== undefined ? { data: fileData } : await this.setupBounded();
      if (setup.error) throw new UserError(`setup() failed: ${setup.error}`, 'fix the exported setup() function of the scenario');
      this.setupData = setup.data;
      await waitForStartAt(this.cfg, this.stopPromise, this.deps.warn);
      await waitForSignalIfPaused(this.cfg, Boolean(this.stopReason), this.stopPromise, this.deps.warn);
      // 'begin' starts the workers' snapshot timers, so it comes after the wait, just before the load.
      // endAtMs: a worker that reads the stop message late (overloaded) still starts no task past -t.
      const endAtMs = this.cfg.durationMs !== undefined ? Date.now() + this.cfg.durationMs : undefined;
      for (const w of workers) w.post({ type: 'begin', setupData: setup.data, hostAliases, endAtMs });
      // A sweep's users are its highest --concurrency, not the default -u 1.
      const users = this.cfg.extra.concurrency ? Math.max(...this.cfg.extra.concurrency) : this.cfg.users;
      await this.emit('onRunStart', { scenario: this.cfg.scenarioPath, users: this.share(users), workers: W, durationMs: this.cfg.durationMs, startTime: new Date().toISOString() });

      this.loadStartedAt = performance.now();
      this.figures.start(workers.length, this.loadStartedAt);
      this.server?.start();
      await this.driveLoad();
      await this.stopWorkers();
      if (this.fatal) throw Object.assign(new Error(this.fatal.message), { fatal: this.fatal });
    } catch (err) {
      await this.shutdown();
      throw unwrapFatal(err);
    }
    // teardown() and the shutdown come in close(), once the caller has written the results.
    return this.buildSummary();
  }

  /** setup() on one worker, bounded by --lifecycle-timeout (a UserError past it: the run cannot start without its data). */
  private setupBounded(): Promise<{ data?: unknown; error?: string }> {
    return runSetupBounded(() => this.callWorker0('setup'), lifecycleTimeoutMs(this.cfg), this.deps.note ?? this.deps.warn);
  }

  /**
   * After the results are written: runs teardown() (bounded by
   * --lifecycle-timeout; a signal stops the wait), then ends the workers and
   * side services. Returns what the summary should add (then written again),
   * or undefined when teardown() added nothing.
   */
  async close(): Promise<{ timedOut?: string; teardownError?: string } | undefined> {
    try {
      // With --setup-data, teardown() runs once elsewhere (bench teardown); a second Ctrl-C skips it.
      if (this.cfg.extra.setupData !== undefined || this.stopReason === 'interrupted twice' || !this.pool) return undefined;
      const alive = this.pool.workers.some((w) => w.died === undefined);
      const cut = new Promise<void>((r) => (this.cutTeardown = r));
      return await runTeardownBounded(alive ? () => this.callWorker0('teardown') : undefined, lifecycleTimeoutMs(this.cfg), cut, this.deps.warn);
    } finally {
      this.cutTeardown = undefined;
      await this.shutdown();
    }
  }

  /** What scenario runners may use of this run. */
  private port(): RunPort {
    return {
      cfg: this.cfg,
      segment: this.segment,
      workerCount: this.pool!.workers.length,
      post: (i, msg) => this.pool!.workers[i]!.post(msg),
      runStopped: this.stopPromise,
      stop: (reason) => this.stop(reason),
      fail: (reason) => this.fail(reason),
      beginStage: (stage) => this.beginStage(stage),
      // The shared count is current; the merged figures lag by up to a snapshot.
      stageRequests: () => Math.max(this.figures.requestCount(), this.stageBudget.requestsDone()),
      runningUsers: () => this.figures.runningUsers(),
      warn: this.deps.warn,
      lastStage: () => this.figures.stages.at(-1),
      reportCapacity: (c) => (this.capacity = c),
      note: this.deps.note,
    };
  }

  /**
   * Runs every scenario's load model (each from its start time) until all have
   * ended or the run is stopped; snapshots every interval. A scenario that ends
   * while others go on stops its users after their current task.
   */
  private async driveLoad(): Promise<void> {
    const cfg = this.cfg;
    // Stopped before the load began (Ctrl-C during setup or while waiting for --start-at): start no user.
    if (this.stopReason) {
      this.stoppedAt = performance.now();
      this.stoppedWall = Date.now();
      return;
    }
    const ticker = setInterval(() => void this.tick(), cfg.snapshotIntervalMs);
    const timers: LongTimeout[] = [];
    // --duration bounds every model; a model may also stop earlier by itself.
    if (cfg.durationMs !== undefined) timers.push(setLongTimeout(() => this.stop('duration reached'), cfg.durationMs));
    let left = this.runners.length;
    const modelsDone = Promise.all(
      this.runners.map(async (r) => {
        const reason = await r.execute();
        if (this.stopReason) return;
        if (--left === 0) this.stop(reason || 'load model finished');
        else r.stopOnWorkers();
      }),
    );
    await this.stopPromise;
    clearInterval(ticker);
    for (const t of timers) t.clear();
    this.stoppedAt = performance.now();
    this.stoppedWall = Date.now();
    await modelsDone;
  }

  private runner(name = 'default'): ScenarioRunner | undefined {
    return this.runners.find((r) => r.scenario.name === name);
  }

  private readonly stageBudget = StageBudget.create();

  /** Closes the current stage (flushing workers so its figures are complete) and opens the next. */
  private async beginStage(info: StageInfo): Promise<void> {
    await this.flushWorkers(info.warmup);
    await this.closeStage();
    // Stopped at the stage's end (--stop-over-saturated): the next stage never opens.
    if (this.stopReason) return;
    this.stageBudget.open(info.warmup ? undefined : info.maxRequests);
    this.server?.setStage(info.name, info.warmup);
    this.figures.openStage(info);
  }

  /** Ends the current stage: its summary, and the reporters' onStageEnd (not for a warm-up). */
  private async closeStage(): Promise<void> {
    const name = this.figures.closeStage(this.stoppedAt || performance.now(), this.classTraffic());
    if (name !== undefined) await this.emit('onStageEnd', name);
    const over = overSaturatedStop(this.cfg, name === undefined ? undefined : this.figures.stages.at(-1));
    if (over && !this.stopReason) this.stop(over);
  }

  /** The LLM classes' traffic shape when they share one: what a stage without --traffic ran. */
  private classTraffic(): string | undefined {
    const shapes = new Set(this.classes.map((c) => c.traffic).filter((t) => t !== undefined));
    return shapes.size === 1 ? [...shapes][0] : undefined;
  }

  /** Asks every worker for its delta now and folds it in, so a stage boundary is exact up to messaging. */
  private async flushWorkers(warmup?: boolean): Promise<void> {
    const workers = this.pool!.workers.filter((w) => w.died === undefined);
    // A worker that dies meanwhile answers nothing: its part is lost, the others' still count.
    const got = workers.map((w) => Promise.race([w.next('snapshot').catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]));
    workers.forEach((w) => w.post({ type: 'flush', warmup }));
    await Promise.all(got);
    await this.tick();
  }

  private onWorkerMessage(index: number, m: FromWorker): void {
    switch (m.type) {
      case 'snapshot':
        this.mergeDelta(m.delta, m.scenarioDeltas);
        this.figures.reportHealth({ index, cpu: m.health.cpu, eventLoopDelayMs: m.health.eventLoopDelayMs, users: m.users });
        if (this.loadStartedAt) this.generatorHealth.report({ index, ...m.health });
        break;
      case 'exhausted':
        this.runner(m.scenario)?.onExhausted(index);
        break;
      case 'retired':
        this.runner(m.scenario)?.onRetired(index, m.users);
        break;
      case 'idle':
        this.runner(m.scenario)?.onIdle(index, m.seen);
        break;
      case 'warning':
        // Each worker warns once; the run says it once.
        if (!this.workerWarnings.has(m.message)) {
          this.workerWarnings.add(m.message);
          this.deps.warn(m.message);
        }
        break;
      case 'timedOut': {
        const what = `${m.what}() after ${formatDuration(m.afterMs)}`;
        if (this.timedOut.includes(what)) break;
        this.timedOut.push(what);
        this.deps.warn(`${m.what}() did not settle within ${formatDuration(m.afterMs)} (--lifecycle-timeout): counted as a failure of ${m.what}, and the user ${m.what.endsWith('onStart') ? 'ran no task' : 'ended'}`);
        break;
      }
      case 'fatal':
        // A user error ends the run with it (exit 2); a worker that died ends it with what the others have (exit 70).
        if (m.userError) {
          this.fatal ??= m;
          this.stop('worker failed');
        } else {
          // Its last figures of users and health are stale now.
          this.figures.forgetWorker(index);
          this.fail(m.message);
        }
        break;
      default:
        break;
    }
  }

  /** Folds a worker's delta into the interval; a scenario's also into its own figures. */
  private mergeDelta(d: MetricsDelta, scenarioDeltas?: Record<string, MetricsDelta>): void {
    this.figures.mergeDelta(d, scenarioDeltas, (name) => this.runner(name));
  }

  /**
   * The most users this instance's models asked for (a LoadShape's is known
   * only once it ran); open models count maxUsers. With --segment, the
   * segment's share, so that bench merge's sum is the plan's.
   */
  private get peakUsersRun(): number {
    const shaped = this.runners.some((r) => r.executor.name === 'load-shape');
    const levels = this.cfg.extra.concurrency;
    if (levels?.length && this.runners.some((r) => r.executor.name === 'sweep')) return this.share(Math.max(...levels));
    // Users set live (setUsers) may go above -u: then the runners' peaks count.
    if (!shaped && !this.actions.some((a) => a.action === 'setUsers')) return this.share(this.cfg.users);
    return this.runners.reduce((a, r) => a + (isOpenModel(r.scenario) ? this.share(r.scenario.maxUsers) : r.peakUsers || this.share(r.scenario.users)), 0);
  }

  /** Users this instance's closed models ask for now, plus the open models' caps. */
  private get targetUsers(): number {
    if (!this.runners.length) return this.share(this.cfg.users);
    return this.runners.reduce((a, r) => a + (isOpenModel(r.scenario) ? this.share(r.scenario.maxUsers) : r.plannedUsers), 0);
  }

  /** Folds the current interval into the totals and tells the reporters. */
  private async tick(): Promise<LiveSnapshot> {
    const folded = this.foldInterval();
    const { interval, snap, warmup } = folded;
    if (this.server) snap.server = { ...this.server.figures(), current: this.server.current() };
    this.figures.addHistoryRow(folded);
    const refused = this.guard?.observe(interval);
    if (refused && !this.stopReason) {
      this.userStop = refused;
      this.stop(refused.message);
    }
    const overSaturated = this.stopReason || !this.cfg.extra.stopOverSaturated || this.figures.stage ? undefined : this.figures.saturationStop();
    if (overSaturated) this.stop(overSaturated);
    const tooManyErrors = this.stopReason ? undefined : errorRateExceeded(snap.total, this.cfg.extra.maxErrorRate);
    if (tooManyErrors) this.stop(tooManyErrors);
    if (this.deps.thresholds.length) {
      snap.thresholds = evaluateThresholds(this.deps.thresholds, snap);
      const crossed = thresholdsToAbort(this.deps.thresholds, snap.thresholds, snap.elapsedMs);
      if (crossed.length) this.stop(`threshold crossed: ${crossed.map((t) => t.expression).join(', ')}`);
    }
    if (this.capacity) snap.capacity = { lastPass: this.capacity.lastPass, firstFail: this.capacity.firstFail, unit: this.capacity.unit, steps: this.capacity.steps.length };
    await this.emit('onSnapshot', snap);
    if (!warmup) await this.emitInterval(interval, snap);
    return snap;
  }

  /** Closes the current interval (fan-in.ts) and builds the live snapshot at its end. */
  private foldInterval(): FoldedInterval {
    return this.figures.fold({
      loadStartedAt: this.loadStartedAt,
      targetUsers: this.targetUsers,
      workers: this.pool?.workers.length ?? 0,
      blockedForMs: (i) => this.watchdog?.blockedForMs(i),
      openModel: targetRatePerSec(this.runners, this.segment),
    });
  }

  private async stopWorkers(): Promise<void> {
    // A dead worker answers nothing; one that does not answer in time is terminated: the figures it had not sent are lost.
    const grace = this.cfg.stopTimeoutMs;
    const stopped = await sayWhileWaiting(
      stopWorkersWithDeadline(this.pool!.workers, {
        graceMs: grace,
        stopAtMs: this.stoppedWall || Date.now(),
        watchdog: this.watchdog,
        hurried: this.hurried,
        onTerminated: (i, tasks) => this.timedOut.push(`worker ${i} at the stop${tasks ? ` (running: ${tasks})` : ''}`),
      }),
      (ms) => (this.deps.note ?? this.deps.warn)(`stopping (${this.stopReason}): waiting for requests in flight, ${formatDuration(ms)} of --stop-timeout ${formatDuration(grace)}`),
      1000,
    );
    this.watchdog?.stop();
    await this.server?.stop();
    for (const s of stopped) this.mergeDelta(s.delta, s.scenarioDeltas);
    // The last, partial interval: in the totals, and to the live view, but not a row of the history.
    const last = this.foldInterval();
    if (!last.warmup) await this.emitInterval(last.interval, last.snap);
    this.figures.markLastRow();
    await this.closeStage();
  }

  /** Runs setup() or teardown() on one worker: the first one still alive. */
  private async callWorker0(kind: 'setup' | 'teardown'): Promise<{ data?: unknown; error?: string }> {
    const w = this.pool!.workers.find((x) => x.died === undefined) ?? this.pool!.workers[0]!;
    if (kind === 'setup') {
      const p = w.next('setupDone');
      w.post({ type: 'setup' });
      return p;
    }
    const p = w.next('teardownDone');
    w.post({ type: 'teardown', setupData: this.setupData });
    return p;
  }

  private async shutdown(): Promise<void> {
    this.watchdog?.stop();
    await this.server?.stop();
    const pool = this.pool;
    if (pool) {
      for (const w of pool.workers) w.post({ type: 'exit' });
      await Promise.race([Promise.all(pool.workers.map((w) => w.done)), new Promise((r) => setTimeout(r, 3000))]);
      await pool.destroy().catch(() => undefined);
    }
    await Promise.all(this.services.map((s) => s.close().catch(() => undefined)));
    this.services = [];
  }

  private emit<K extends 'onRunStart' | 'onSnapshot' | 'onRunEnd' | 'onStageEnd'>(hook: K, arg: Parameters<NonNullable<Reporter[K]>>[0]): Promise<void> {
    return this.hub.emit(hook, arg);
  }

  /** Hands each reporter that wants them an interval's merged metrics (the live view publishes them). */
  private emitInterval(interval: MetricsAggregate, snap: LiveSnapshot): Promise<void> {
    return this.hub.interval(interval, snap);
  }

  /** The summary of what is known now; also used when a second Ctrl-C exits at once. */
  buildSummary(): RunSummary {
    const live = this.figures.live();
    const summary = buildRunSummary({
      cfg: this.cfg,
      live,
      loadStartedAt: this.loadStartedAt,
      endAt: this.stoppedAt || performance.now(),
      statsStartedAt: this.figures.statsStartedAt,
      startedWall: this.startedAt,
      stoppedWall: this.stoppedWall,
      workers: this.pool?.workers.length ?? 0,
      peakUsers: this.peakUsersRun,
      interrupted: this.interrupted,
      stopReason: this.stopReason,
      scenarioHash: this.deps.scenarioHash,
      timedOut: this.timedOut,
      overload: this.figures.generatorLoad.verdict(),
      stages: this.figures.stages,
      scenarios: this.separateScenarios ? this.runners : undefined,
      names: () => this.figures.names.update(live),
      history: this.figures.history,
      actions: this.actions,
      onFigures: (figures, overload) => {
        if (this.endWarned || !this.stoppedAt) return;
        this.endWarned = true;
        for (const w of endOfRunWarnings(overload, figures)) this.deps.warn(w);
      },
    });
    telemetryOptionsShown(summary.meta.options);
    if (this.server) summary.server = this.server.figures();
    summary.generator = this.generatorHealth.summary(summary.generatorOverload);
    if (this.capacity) summary.capacity = this.capacity;
    const saturation = this.figures.runSaturation();
    if (saturation) summary.saturation = saturation;
    return summary;
  }

  /** Evaluates the thresholds on the final, exact figures. */
  applyThresholds(summary: RunSummary): void {
    if (this.deps.thresholds.length) summary.thresholds = evaluateThresholds(this.deps.thresholds, summary);
  }

  /** Final reporters' hook; the caller decides exit codes. */
  async finish(summary: RunSummary): Promise<void> {
    await this.emit('onRunEnd', summary);
  }
}

function unwrapFatal(err: unknown): unknown {
  const fatal = (err as { fatal?: { message: string; hint?: string; userError?: boolean } }).fatal;
  if (fatal) return fatal.userError || fatal.hint !== undefined || !/\n\s+at /.test(fatal.message) ? new UserError(fatal.message, fatal.hint) : new VolleyError('E_WORKER', fatal.message);
  return err;
}
