import type { WorkerHealth } from './live-snapshot.js';
import { CPU_LIMIT, LOOP_DELAY_LIMIT_MS } from './health-limits.js';

/** One worker thread's health over the run (summary.json `generator.workers`). */
export interface WorkerHealthSummary {
  index: number;
  /** Reports it sent (one per snapshot interval). */
  samples: number;
  /** Event-loop busy share, 0..1 (one core = 1): mean and worst interval. */
  cpuMean: number;
  cpuMax: number;
  /** Event-loop delay p99 per interval, ms: mean and worst. */
  eventLoopDelayMeanMs: number;
  eventLoopDelayMaxMs: number;
  /** Intervals in which it was past a limit. */
  overLimitIntervals: number;
}

/**
 * The load generator's own health kept after the run (summary.json `generator`,
 * report.html): what the live views show each second, over the whole run.
 */
export interface GeneratorHealth {
  /** The limits past which a worker makes the generator the bottleneck (metrics/health-limits.ts). */
  limits: { cpu: number; eventLoopDelayMs: number };
  cpuMax: number;
  eventLoopDelayMaxMs: number;
  /** The overload rule fired (summary.generatorOverloaded). */
  overloaded: boolean;
  /** The bottleneck warning the run printed, when it fired. */
  warning?: string;
  workers: WorkerHealthSummary[];
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r1 = (x: number) => Math.round(x * 10) / 10;

/** Collects the workers' health reports of the load (the engine feeds it each snapshot). */
export class GeneratorHealthLog {
  private readonly workers = new Map<number, { n: number; cpuSum: number; cpuMax: number; delaySum: number; delayMax: number; over: number }>();

  report(h: Pick<WorkerHealth, 'index' | 'cpu' | 'eventLoopDelayMs'>): void {
    const w = this.workers.get(h.index) ?? this.workers.set(h.index, { n: 0, cpuSum: 0, cpuMax: 0, delaySum: 0, delayMax: 0, over: 0 }).get(h.index)!;
    w.n++;
    w.cpuSum += h.cpu;
    w.cpuMax = Math.max(w.cpuMax, h.cpu);
    w.delaySum += h.eventLoopDelayMs;
    w.delayMax = Math.max(w.delayMax, h.eventLoopDelayMs);
    if (h.cpu > CPU_LIMIT || h.eventLoopDelayMs > LOOP_DELAY_LIMIT_MS) w.over++;
  }

  summary(overload: { reason: string } | undefined): GeneratorHealth {
    const workers: WorkerHealthSummary[] = [...this.workers]
      .sort(([a], [b]) => a - b)
      .map(([index, w]) => ({
        index,
        samples: w.n,
        cpuMean: r3(w.cpuSum / w.n),
        cpuMax: r3(w.cpuMax),
        eventLoopDelayMeanMs: r1(w.delaySum / w.n),
        eventLoopDelayMaxMs: r1(w.delayMax),
        overLimitIntervals: w.over,
      }));
    return {
      limits: { cpu: CPU_LIMIT, eventLoopDelayMs: LOOP_DELAY_LIMIT_MS },
      cpuMax: workers.reduce((a, w) => Math.max(a, w.cpuMax), 0),
      eventLoopDelayMaxMs: workers.reduce((a, w) => Math.max(a, w.eventLoopDelayMaxMs), 0),
      overloaded: overload !== undefined,
      ...(overload && { warning: overload.reason }),
      workers,
    };
  }
}
