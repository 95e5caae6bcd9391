import type { RunConfig } from '../config/resolve.js';
import { MetricsAggregate } from '../metrics/aggregate.js';
import type { MetricsDelta } from '../metrics/delta.js';
import type { LiveSnapshot, WorkerHealth } from '../metrics/live-snapshot.js';
import { buildLlmSummary } from '../metrics/llm-summary.js';
import { NameWatch } from '../metrics/name-watch.js';
import { endpointSummaries, endpointSummary } from '../metrics/summarize.js';
import type { HistoryRow, StageSummary } from '../metrics/summary-types.js';
import type { StageInfo } from './executors/index.js';
import { GeneratorLoad } from './generator-load.js';
import { buildLiveSnapshot, historyRow } from '../metrics/snapshot-builder.js';
import { LiveWindow } from './live-window.js';
import { sweepProgress } from './sweep-progress.js';
import { sweepStageRows } from '../metrics/live-figures.js';
import { judgeSaturation, SATURATION_RULE, type LoadPoint } from './capacity/saturation.js';
import type { Saturation } from '../metrics/summary-types.js';

/** What a closed interval gave: its figures, the snapshot at its end, and whether it was a warm-up's. */
export interface FoldedInterval {
  interval: MetricsAggregate;
  snap: LiveSnapshot;
  intervalSec: number;
  warmup: boolean;
}

/** What the run tells the fan-in when an interval closes. */
export interface FoldContext {
  loadStartedAt: number;
  targetUsers: number;
  workers: number;
  blockedForMs(worker: number): number | undefined;
  /** Open models: the arrival rate asked for now (undefined: a closed model). */
  openModel?: { targetRatePerSec?: number };
}

/**
 * The fan-in of the workers' figures on the main thread: their deltas merged
 * into the current interval, intervals folded into the totals and the current
 * stage, the per-second history, the workers' health and load, and the live
 * snapshot built at each interval's end.
 */
export class FigureFanIn {
  total: MetricsAggregate;
  private interval: MetricsAggregate;
  private window = new LiveWindow();
  readonly history: HistoryRow[] = [];
  /** Warns when request names grow like ids in URLs (issue 17). */
  readonly names = new NameWatch();
  private readonly health = new Map<number, WorkerHealth>();
  /** Whether the workers kept up with their users, interval by interval (the rule of summary.generatorOverloaded). */
  readonly generatorLoad: GeneratorLoad;
  stage?: { info: StageInfo; agg: MetricsAggregate; startedAt: number };
  readonly stages: StageSummary[] = [];
  private lastSnapshotAt = 0;
  /** When the figures started (resetStats moves it): their rates are over the time since. */
  statsStartedAt = 0;
  /** Actions not yet marked in a history row. */
  private pendingMarks: string[] = [];
  /** The measured intervals of the current stage and of the run, for the over-saturation rule (capacity/saturation.ts). */
  private stagePoints: LoadPoint[] = [];
  private runPoints: LoadPoint[] = [];
  private openModel = false;

  constructor(private readonly cfg: RunConfig) {
    this.total = new MetricsAggregate(cfg.extra.maxNames);
    this.interval = new MetricsAggregate(cfg.extra.maxNames);
    this.generatorLoad = new GeneratorLoad(cfg.snapshotIntervalMs);
  }

  /** The load starts now: intervals and the figures count from here. */
  start(workers: number, at: number): void {
    this.statsStartedAt = at;
    this.generatorLoad.start(workers, at);
    this.lastSnapshotAt = at;
  }

  /** Folds a worker's delta into the interval; a scenario's also into its own figures (`scenario`). */
  mergeDelta(d: MetricsDelta, scenarioDeltas: Record<string, MetricsDelta> | undefined, scenario: (name: string) => { addDelta(d: MetricsDelta): void } | undefined): void {
    this.interval.addDelta(d);
    if (!scenarioDeltas) return;
    for (const [name, sd] of Object.entries(scenarioDeltas)) {
      this.interval.addDelta(sd);
      scenario(name)?.addDelta(sd);
    }
  }

  /** A worker's health and users at its snapshot. */
  reportHealth(health: WorkerHealth): void {
    this.health.set(health.index, health);
    this.generatorLoad.report(health, performance.now());
  }

  /** A worker that died: its last figures of users and health are stale now. */
  forgetWorker(index: number): void {
    this.health.delete(index);
    this.generatorLoad.forget(index);
  }

  /** Users the workers reported running at their last snapshot. */
  runningUsers(): number {
    return [...this.health.values()].reduce((a, h) => a + h.users, 0);
  }

  /** Requests of the current stage (or of the run), as merged so far. */
  requestCount(): number {
    return (this.stage?.agg ?? this.total).requestCount();
  }

  /** The totals with the interval not yet folded in: what a summary is built from. */
  live(): MetricsAggregate {
    const live = new MetricsAggregate(this.cfg.extra.maxNames);
    live.addAggregate(this.total);
    live.addAggregate(this.interval);
    return live;
  }

  /** resetStats: the totals, the interval, the window and the current stage's figures start empty now. */
  reset(): void {
    const maxNames = this.cfg.extra.maxNames;
    this.total = new MetricsAggregate(maxNames);
    this.interval = new MetricsAggregate(maxNames);
    this.window = new LiveWindow();
    if (this.stage) this.stage.agg = new MetricsAggregate(maxNames);
    this.statsStartedAt = performance.now();
  }

  /** A user action, marked in the next history row. */
  mark(text: string): void {
    this.pendingMarks.push(text);
  }

  /** Adds the history row of an interval, with the actions made in it. */
  addHistoryRow(f: FoldedInterval): void {
    const row = historyRow(f.snap, f.interval);
    if (this.pendingMarks.length) row.action = this.pendingMarks.splice(0).join('; ');
    this.history.push(row);
  }

  /** The last interval is no row of the history: actions made in it (the stop) mark the last row. */
  markLastRow(): void {
    const lastRow = this.history.at(-1);
    if (lastRow && this.pendingMarks.length) lastRow.action = [lastRow.action, ...this.pendingMarks.splice(0)].filter(Boolean).join('; ');
  }

  /**
   * Closes the current interval: folds it into the totals and the stage (warm-up
   * figures are dropped: they are neither in the totals nor in a stage) and
   * builds the live snapshot at its end.
   */
  fold(ctx: FoldContext): FoldedInterval {
    const now = performance.now();
    const intervalSec = Math.max(0.001, (now - this.lastSnapshotAt) / 1000);
    this.lastSnapshotAt = now;
    const interval = this.interval;
    this.interval = new MetricsAggregate(this.cfg.extra.maxNames);
    const warmup = Boolean(this.stage?.info.warmup);
    if (!warmup) this.total.addAggregate(interval);
    this.stage?.agg.addAggregate(interval);
    const users = this.runningUsers();
    this.generatorLoad.observe(now);
    const snap = buildLiveSnapshot(this.total, interval, {
      scenario: this.cfg.scenarioPath,
      elapsedMs: now - ctx.loadStartedAt,
      statsElapsedMs: now - (this.statsStartedAt || ctx.loadStartedAt),
      durationMs: this.cfg.durationMs,
      users,
      targetUsers: ctx.targetUsers,
      workers: ctx.workers,
      stage: this.stage?.info.name,
      health: [...this.health.values()].sort((a, b) => a.index - b.index).map((h) => ({ ...h, blockedMs: ctx.blockedForMs(h.index) })),
      intervalSec,
      hasSlo: Boolean(this.cfg.extra.slo),
      openModel: ctx.openModel,
    });
    this.window.push(interval, intervalSec, this.stage?.info.name);
    snap.window = this.window.figures();
    const st = this.stage;
    // The capacity search's steps have numbers but no planned count: their rows show, no time left is guessed.
    if (st?.info.index !== undefined && st.info.count === undefined) snap.stages = sweepStageRows(this.stages, st.info.warmup ? undefined : this.stageSoFar(st, now));
    if (st?.info.index !== undefined && st.info.count !== undefined) {
      const x = this.cfg.extra;
      snap.sweep = sweepProgress({
        index: st.info.index, count: st.info.count, warmup: Boolean(st.info.warmup), stageElapsedMs: now - st.startedAt, stageRequests: st.agg.requestCount(),
        maxRequests: x.maxRequestsPerStage, maxTimeMs: x.maxTimePerStage, warmupMs: x.warmup ?? 0, doneMs: this.stages.map((d) => d.durationMs),
      });
      snap.stages = sweepStageRows(this.stages, st.info.warmup ? undefined : this.stageSoFar(st, now));
    }
    snap.names = this.names.update(this.total);
    if (!warmup) this.addPoint(snap, ctx, intervalSec);
    return { interval, snap, intervalSec, warmup };
  }

  /** The current stage's summary so far (its rates over the time since it opened). */
  private stageSoFar(st: NonNullable<FigureFanIn['stage']>, now: number): StageSummary {
    const sec = Math.max(0.001, (now - st.startedAt) / 1000);
    const total = endpointSummary(st.agg.total(), sec);
    return { name: st.info.name, concurrency: st.info.concurrency, durationMs: now - st.startedAt, total, endpoints: [], llm: buildLlmSummary(st.agg, sec, Boolean(this.cfg.extra.slo)) };
  }

  /** Opens a stage: figures from now on are also kept under it. */
  openStage(info: StageInfo): void {
    this.stage = { info, agg: new MetricsAggregate(this.cfg.extra.maxNames), startedAt: performance.now() };
    this.stagePoints = [];
  }

  /** One measured interval for the over-saturation rule. */
  private addPoint(snap: LiveSnapshot, ctx: FoldContext, intervalSec: number): void {
    this.openModel = ctx.openModel !== undefined;
    const a = snap.arrivals;
    const point: LoadPoint = {
      offeredPerSec: a?.targetPerSec,
      startedPerSec: a?.achievedPerSec,
      droppedPerSec: a?.droppedPerSec,
      completedPerSec: snap.interval.rps,
      p50Ms: snap.interval.rps > 0 ? snap.interval.p50Ms : null,
      users: snap.users,
      intervalSec,
    };
    this.stagePoints.push(point);
    this.runPoints.push(point);
  }

  /** The run's saturation over its measured intervals after the first fifth (a ramp's start); undefined when too short to judge, and for sweeps (their stages have their own). */
  runSaturation(): Saturation | undefined {
    if (this.stages.length) return undefined;
    const pts = this.runPoints.slice(Math.floor(this.runPoints.length / 5));
    return pts.length >= SATURATION_RULE.minPoints ? judgeSaturation(pts, this.openModel) : undefined;
  }

  /** --stop-over-saturated outside sweeps: the reason to stop when the last ten intervals over-saturate. */
  saturationStop(): string | undefined {
    if (this.runPoints.length < 10) return undefined;
    const s = judgeSaturation(this.runPoints.slice(-10), this.openModel);
    return s.saturated ? `over-saturated: ${s.reasons.join('; ')}` : undefined;
  }

  /** Closes the current stage into `stages` (a warm-up's figures are dropped); returns the closed stage's name. */
  closeStage(endAt: number, classTraffic: string | undefined): string | undefined {
    const st = this.stage;
    if (!st) return undefined;
    this.stage = undefined;
    if (st.info.warmup) return undefined;
    const durationMs = endAt - st.startedAt;
    const sec = durationMs / 1000;
    this.stages.push({
      name: st.info.name,
      concurrency: st.info.concurrency,
      traffic: st.info.traffic ?? classTraffic,
      ...(st.info.batchSize !== undefined ? { batchSize: st.info.batchSize } : {}),
      durationMs: Math.round(durationMs),
      total: endpointSummary(st.agg.total(), sec),
      endpoints: endpointSummaries(st.agg, sec),
      llm: buildLlmSummary(st.agg, sec, Boolean(this.cfg.extra.slo)),
      ...(st.info.ratePerSec !== undefined && { ratePerSec: st.info.ratePerSec }),
      saturation: judgeSaturation(this.stagePoints, this.openModel),
    });
    return st.info.name;
  }
}
