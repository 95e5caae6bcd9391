import type { WorkerHealth } from '../metrics/live-snapshot.js';
import { CPU_LIMIT, LOOP_DELAY_LIMIT_MS } from '../metrics/health-limits.js';
import { formatMsCompact, formatPercent } from './format-number.js';

/** The warning the TUI header and the headless reporter show when a worker is past either limit. */
export const BOTTLENECK_WARNING = 'the load generator is the bottleneck: figures may be wrong; add --workers or machines';

/** Seconds into the load before a busy worker counts as a bottleneck: starting threads and loading modules are busy by nature. */
export const BOTTLENECK_GRACE_MS = 3000;

const overloaded = (w: WorkerHealth): boolean => w.cpu > CPU_LIMIT || w.eventLoopDelayMs > LOOP_DELAY_LIMIT_MS;

/** The workers past either limit, worst CPU first. */
export function overloadedWorkers(health: readonly WorkerHealth[]): WorkerHealth[] {
  return health.filter(overloaded).sort((a, b) => b.cpu - a.cpu);
}

/** A one-line reason for the warning: which worker, and its figures; '' when none is past a limit. */
export function bottleneckDetail(health: readonly WorkerHealth[]): string {
  const worst = overloadedWorkers(health)[0];
  if (!worst) return '';
  return `worker ${worst.index}: CPU ${formatPercent(worst.cpu, 1)}, event-loop delay ${formatMsCompact(worst.eventLoopDelayMs, ' ms')}`;
}
