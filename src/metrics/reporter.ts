import type { MetricsAggregate } from '../metrics/aggregate.js';
import type { LiveSnapshot } from '../metrics/live-snapshot.js';
import type { RunSummary } from '../metrics/summary-types.js';

export interface RunStartInfo {
  scenario: string;
  users: number;
  workers: number;
  durationMs?: number;
  startTime: string;
}

/**
 * A reporter is an object of optional, awaitable hooks, registered by name.
 * Reporters must never throw into the engine; the engine logs and carries on.
 */
export interface Reporter {
  /** Called once, after the workers are ready and before load starts. */
  onRunStart?(info: RunStartInfo): void | Promise<void>;
  /** Called about once a second with the merged live figures. */
  onSnapshot?(snapshot: LiveSnapshot): void | Promise<void>;
  /** Called with each interval's merged metrics and the snapshot at its end (not for warm-up), and once for the last partial interval. */
  onInterval?(interval: MetricsAggregate, snapshot: LiveSnapshot): void | Promise<void>;
  /** Called when one stage of a sweep ends. */
  onStageEnd?(stage: string): void | Promise<void>;
  /** Called once with the final summary (also after an interrupted run). */
  onRunEnd?(summary: RunSummary): void | Promise<void>;
  /** Lets a reporter (the TUI) ask for a graceful stop. */
  bindStop?(stop: () => void): void;
}

/** Where a reporter writes: injectable, so the API can be driven from tests. */
export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
}
