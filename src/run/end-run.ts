import { resolve } from 'node:path';
import type { RunConfig } from '../config/resolve.js';
import type { Run } from '../engine/orchestrator.js';
import { applyStopVerdict, nothingCompleted } from '../engine/verdict.js';
import { ExitCode, formatError, redact } from '../errors.js';
import type { RunSummary } from '../metrics/summary-types.js';
import { loadReportWriters } from '../report/files/lazy-reports.js';
import type { OutputStreams } from '../metrics/reporter.js';
import type { RunOutcome } from './handle.js';
import { exitCodeFor, secretValues, writeSummary } from './outcome.js';
import { experimentMeta, type ExperimentPlan } from './experiment.js';

export interface EndRunContext {
  io: OutputStreams;
  cwd: string;
  /** Warnings said during the run (redacted), kept in summary.warnings. */
  warnings: string[];
  /** The --live publisher, closed here when the run fails before its end. */
  live?: { close(): Promise<void> };
  /** Lets go of the caller's abort signal once the run is over. */
  detach: () => void;
  /** The experiment the run belongs to (--experiment-dir, --server-*), for summary.json. */
  experiment?: ExperimentPlan;
}

/**
 * The whole end of a run, in order: the load (run.execute), the stop's
 * verdict, thresholds, the exit code, summary.json, the reporters' end, what
 * is said on stderr, then teardown() and the shutdown, every file written
 * before teardown() so one that hangs loses nothing.
 */
export async function endRun(run: Run, cfg: RunConfig, ctx: EndRunContext): Promise<RunOutcome> {
  const { io, cwd } = ctx;
  let summary: RunSummary;
  try {
    summary = await run.execute();
  } catch (err) {
    ctx.detach();
    // onRunEnd never comes: let the live view's connections go, so the process can exit.
    await ctx.live?.close();
    throw err;
  }
  applyStopVerdict(summary);
  run.applyThresholds(summary);
  if (ctx.warnings.length > 0) summary.warnings = [...ctx.warnings];
  // A failure of Volley's own during the run (a worker died, a load model threw) outranks the figures.
  const internal = run.internalError;
  const exitCode = exitCodeFor(summary, cfg, { internalError: internal, userStop: run.userStop });
  summary.meta.exitCode = exitCode;
  if (ctx.experiment) summary.experiment = experimentMeta(ctx.experiment, summary);
  if (cfg.out) writeSummary(summary, resolve(cwd, cfg.out));
  await run.finish(summary);
  if (internal !== undefined) io.stderr.write(`internal error: ${redact(internal, secretValues())}\n  the run stopped there; the results are what it measured until then\n`);
  if (nothingCompleted(summary)) io.stderr.write(`failed: no request completed; ${summary.total.aborted} were still in flight at the stop and aborted\n`);
  if (internal === undefined && run.userStop) io.stderr.write(`${redact(formatError(run.userStop), secretValues())}\n`);
  if (cfg.out) io.stderr.write(`results written to ${cfg.out}/\n`);
  // teardown() only now, every file written: one that hangs or is cut short by a signal loses nothing.
  const added = await run.close().finally(ctx.detach);
  if (added) {
    if (added.timedOut) (summary.meta.timedOut ??= []).push(added.timedOut);
    if (added.teardownError) summary.meta.teardownError = added.teardownError;
    if (cfg.out) {
      writeSummary(summary, resolve(cwd, cfg.out));
      (await loadReportWriters()).writeReports(summary, resolve(cwd, cfg.out));
    }
  }
  return { exitCode, summary };
}
