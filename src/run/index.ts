/**
 * `volley/run`: start, watch and steer a run from Node (docs/api.md). Kept
 * apart from `volley`, which scenarios import into every worker.
 */
export { startRun, type RunRequest, type RunResult } from './start-run.js';
export type { RunHandle, RunOutcome, RunState, UserAction } from './handle.js';
export type { LiveSnapshot } from '../metrics/live-snapshot.js';
export type { RunSummary } from '../metrics/summary-types.js';
export type { Reporter, OutputStreams } from '../metrics/reporter.js';
export { exitCodeFor, writeSummary } from './outcome.js';
