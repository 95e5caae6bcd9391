import type { MetricsAggregate } from '../metrics/aggregate.js';
import type { LiveSnapshot } from '../metrics/live-snapshot.js';
import type { Reporter } from '../metrics/reporter.js';

type Hook = 'onRunStart' | 'onSnapshot' | 'onRunEnd' | 'onStageEnd';

/**
 * The run's reporters, called in order, each hook awaited. A reporter that
 * throws is warned about and the run goes on: reporters never end a run.
 */
export class ReporterHub {
  constructor(
    private readonly reporters: Reporter[],
    private readonly warn: (message: string) => void,
  ) {}

  async emit<K extends Hook>(hook: K, arg: Parameters<NonNullable<Reporter[K]>>[0]): Promise<void> {
    for (const r of this.reporters) {
      try {
        await (r[hook] as ((a: unknown) => unknown) | undefined)?.call(r, arg);
      } catch (err) {
        this.warn(`reporter failed in ${hook}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** Hands each reporter that wants them an interval's merged metrics (the live view publishes them). */
  async interval(interval: MetricsAggregate, snap: LiveSnapshot): Promise<void> {
    for (const r of this.reporters) {
      if (!r.onInterval) continue;
      try {
        await r.onInterval(interval, snap);
      } catch (err) {
        this.warn(`reporter failed in onInterval: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
