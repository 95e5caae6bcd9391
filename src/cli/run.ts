import type { OutputStreams } from '../metrics/reporter.js';
import { formatSummaryTable } from '../report/table.js';
import { startRun, type RunRequest, type RunResult } from '../run/start-run.js';

export type { RunRequest, RunResult } from '../run/start-run.js';
export { exitCodeFor, secretValues, writeSummary } from '../run/outcome.js';
export { formatSummaryTable };

/**
 * `bench run` as a function: starts the run (src/run/, the one owner of a
 * run) and waits for its end; returns the exit code with the summary. User
 * errors are thrown as UserError; the CLI prints them.
 */
export async function runScenario(req: RunRequest, io: OutputStreams): Promise<RunResult> {
  const run = await startRun(withLive(req), io);
  const { exitCode, summary } = await run.done;
  return { exitCode, summary, config: run.config };
}

/** The request with the --live channel plugged in: the CLI may use the distributed wing, the run does not. */
export function withLive(req: RunRequest): RunRequest {
  return { ...req, openLive: async (opts) => (await import('../distributed/live/publisher.js')).openLivePublisher(opts) };
}
