import type { LiveSnapshot } from '../metrics/live-snapshot.js';
import type { RunAction, RunSummary } from '../metrics/summary-types.js';

/**
 * Where a run stands: `starting` (bundling, workers, setup), `running` (the
 * load is on), `stopping` (requests in flight finishing), `done` (summary,
 * files and exit code known).
 */
export type RunState = 'starting' | 'running' | 'stopping' | 'done';

/** How a run ended: what `bench run` prints and exits with. */
export interface RunOutcome {
  exitCode: number;
  summary: RunSummary;
}

/** A change of the load made while the run ran (recorded in summary.json `actions` and history.csv). */
export type UserAction = RunAction;

/**
 * A run in progress, as `startRun()` returns it: the one API the CLI, the TUI,
 * the headless reporter, the web UI and scripts use to watch and steer a run.
 *
 * @example
 * const run = await startRun({ scenario: 'scenarios/chat.ts', options: { users: 4, duration: '10s', host: 'mock' } });
 * for await (const s of run.snapshots()) console.log(s.total.requests);
 * const { exitCode, summary } = await run.done;
 */
export interface RunHandle {
  readonly state: RunState;
  /** The latest live snapshot (about once a second), once there is one. */
  readonly lastSnapshot: LiveSnapshot | undefined;
  /** Every live snapshot from the call on; the iteration ends when the run ends. */
  snapshots(): AsyncIterable<LiveSnapshot>;
  /** The same snapshots as a callback; returns the function that unsubscribes. */
  onSnapshot(listener: (snapshot: LiveSnapshot) => void): () => void;
  /**
   * Closed models: changes the target user count mid-run. New users start at
   * `spawnRate` per second (default: the run's) keeping the class mix; removed
   * users finish their task first, as Locust does. Throws a UserError for an
   * open model or a bad value.
   */
  setUsers(users: number, spawnRate?: number): void;
  /** Open models (`--rate`): changes the arrival rate, without a burst. Throws a UserError for a closed model. */
  setRate(ratePerSec: number): void;
  /** Graceful stop, as Ctrl-C or `q` (the run's results are still written). */
  stop(reason?: string): void;
  /**
   * The second Ctrl-C: requests in flight are aborted at once (counted as
   * aborted) and the results written, without waiting for the grace or teardown().
   */
  stopNow(): void;
  /** Starts the figures afresh from now (Locust's "Reset stats"); recorded as a user action. */
  resetStats(): void;
  /** Changes of the load made so far. */
  readonly actions: readonly UserAction[];
  /** Settles when the run has ended and its files are written. */
  readonly done: Promise<RunOutcome>;
}
