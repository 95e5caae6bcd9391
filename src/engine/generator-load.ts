import type { WorkerHealth } from '../metrics/live-snapshot.js';
import type { RunSummary } from '../metrics/summary-types.js';
import { CPU_LIMIT, LOOP_DELAY_LIMIT_MS } from '../metrics/health-limits.js';

/** Why summary.json says the load generator was overloaded (docs/summary-json.md). */
export type GeneratorOverload = NonNullable<RunSummary['generatorOverload']>;

/**
 * The rule (docs/summary-json.md, "Overloaded generator"): the run's figures are
 * suspect when, in at least MIN_OVERLOADED_INTERVALS snapshot intervals and at
 * least OVERLOADED_SHARE of them, a worker's event loop was busy more than
 * CPU_LIMIT of the time or delayed timers by more than LOOP_DELAY_LIMIT_MS
 * (p99). A single slow interval (start-up, JIT, a GC) does not count; a worker
 * that cannot keep up with its users, whose waits then land in every latency
 * (TTFT 22 s against a server's 0.5 s), does.
 */
export const MIN_OVERLOADED_INTERVALS = 2;
export const OVERLOADED_SHARE = 0.25;

/** A worker that has sent no snapshot for this many snapshot intervals was stalled: its event loop could not run its timer. */
const STALLED_AFTER_INTERVALS = 1.5;

/** Watches the workers' health at each snapshot interval and applies the rule at the end. */
export class GeneratorLoad {
  private intervals = 0;
  private overloadedIntervals = 0;
  private maxEventLoopDelayMs = 0;
  private maxCpu = 0;
  private worstWorker = -1;
  /** Per worker: whether a report since the last interval was past a limit, and when it last reported. */
  private readonly workers = new Map<number, { over: boolean; lastAt: number }>();

  constructor(private readonly snapshotIntervalMs: number) {}

  /** A worker's snapshot arrived with its health over its last interval. */
  report(w: WorkerHealth, nowMs: number): void {
    const over = w.cpu > CPU_LIMIT || w.eventLoopDelayMs > LOOP_DELAY_LIMIT_MS;
    const seen = this.workers.get(w.index);
    this.workers.set(w.index, { over: over || (seen?.over ?? false), lastAt: nowMs });
    if (w.eventLoopDelayMs > this.maxEventLoopDelayMs) {
      this.maxEventLoopDelayMs = w.eventLoopDelayMs;
      this.worstWorker = w.index;
    }
    this.maxCpu = Math.max(this.maxCpu, w.cpu);
  }

  /** The load starts: every worker is expected to report within an interval and a half from now. */
  start(workerCount: number, nowMs: number): void {
    for (let i = 0; i < workerCount; i++) if (!this.workers.has(i)) this.workers.set(i, { over: false, lastAt: nowMs });
  }

  /** A worker that died: its silence says nothing about load. */
  forget(index: number): void {
    this.workers.delete(index);
  }

  /**
   * Closes one snapshot interval: it was overloaded when a worker reported past a
   * limit during it, or a worker that reported before has been silent too long
   * (a blocked event loop sends nothing, and its stale figures would look fine).
   */
  observe(nowMs: number): void {
    this.intervals++;
    let over = false;
    for (const [index, w] of this.workers) {
      const silentMs = nowMs - w.lastAt;
      if (w.over || silentMs > STALLED_AFTER_INTERVALS * this.snapshotIntervalMs) over = true;
      if (silentMs > this.maxEventLoopDelayMs && silentMs > STALLED_AFTER_INTERVALS * this.snapshotIntervalMs) {
        this.maxEventLoopDelayMs = silentMs;
        this.worstWorker = index;
      }
      w.over = false;
    }
    if (over) this.overloadedIntervals++;
  }

  /** The overload, when the rule says the generator was overloaded; else undefined. */
  verdict(): GeneratorOverload | undefined {
    const n = this.overloadedIntervals;
    if (n < MIN_OVERLOADED_INTERVALS || n < OVERLOADED_SHARE * this.intervals) return undefined;
    const delay = this.maxEventLoopDelayMs >= 1000 ? `${(this.maxEventLoopDelayMs / 1000).toFixed(1)} s` : `${Math.round(this.maxEventLoopDelayMs)} ms`;
    const who = this.worstWorker >= 0 ? `worker ${this.worstWorker}` : 'a worker';
    return {
      reason: `the load generator was overloaded in ${n} of ${this.intervals} intervals (${who}: event-loop delay up to ${delay}, CPU up to ${Math.round(this.maxCpu * 100)}%): latencies include time spent waiting in the generator; add --workers or machines, or lower the load`,
      overloadedIntervals: n,
      intervals: this.intervals,
      maxEventLoopDelayMs: Math.round(this.maxEventLoopDelayMs * 10) / 10,
      maxCpu: Math.round(this.maxCpu * 1000) / 1000,
    };
  }
}

/**
 * The warnings a finished run prints (and summary.json keeps in `warnings`)
 * about figures that are not what was asked: an overloaded generator, and
 * arrivals of an open model that found no free user and never ran.
 */
export function endOfRunWarnings(overload: GeneratorOverload | undefined, figures: Pick<RunSummary, 'counters' | 'tasks'>): string[] {
  const out: string[] = [];
  if (overload) out.push(overload.reason);
  const dropped = figures.counters['dropped_iterations'] ?? 0;
  if (dropped > 0) {
    const ran = figures.tasks.reduce((a, t) => a + t.runs, 0);
    const share = (100 * dropped) / (dropped + ran);
    out.push(
      `${dropped.toLocaleString('en-US')} of ${(dropped + ran).toLocaleString('en-US')} arrivals (${share < 1 ? share.toFixed(2) : share.toFixed(0)}%) were dropped: no free user could run them, so the rate achieved is below the rate asked (counter dropped_iterations); raise --max-users, lower --rate, or add workers or machines`,
    );
  }
  return out;
}
