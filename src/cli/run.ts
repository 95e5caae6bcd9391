import { join, resolve } from 'node:path';
import { bundleFile } from '../compile/bundle.js';
import { loadConfigFile, loadScenarioOptions, resolveConfig, type RunConfig } from '../config/resolve.js';
import type { ParsedOptions } from '../config/schema.js';
import { validateOptions } from '../config/validate.js';
import { Run, type SideService } from '../engine/orchestrator.js';
import { ExitCode, formatError, redact, UserError } from '../errors.js';
import type { RunSummary } from '../metrics/summary-types.js';
import { taskTotals } from '../metrics/summarize.js';
import { createHeadlessReporter } from '../report/headless.js';
import { createFileReporter } from '../report/files/write-reports.js';
import { parseThresholds } from '../thresholds/index.js';
import type { OutputStreams, Reporter } from '../metrics/reporter.js';
import { formatSummaryTable } from '../report/table.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { applyStopVerdict, nothingCompleted } from '../engine/verdict.js';
import { sayWhileWaiting } from '../engine/lifecycle.js';
import { formatDuration } from '../util/format-duration.js';
import { writeReports } from '../report/files/write-reports.js';
import { makeDir } from '../util/make-dir.js';

export interface RunRequest {
  scenario: string;
  /** Options as given on the command line (validated here). */
  options?: Record<string, unknown>;
  /** Path of a config file; default: bench.config.ts in cwd if present. */
  config?: string;
  cwd?: string;
  /** Aborting it stops the run gracefully (as SIGINT does). */
  signal?: AbortSignal;
  /** Called once the run exists, so a caller can force an early summary. */
  onRun?: (run: Run, cfg: RunConfig) => void;
  /** Extra reporters (tests, the TUI). */
  reporters?: Reporter[];
  /** Use the TUI when stdout is a TTY. Decided by the CLI; the API defaults to headless. */
  tui?: (cfg: RunConfig) => Reporter | undefined;
}

export interface RunResult {
  exitCode: number;
  summary: RunSummary;
  config: RunConfig;
}

async function startMock(cfg: RunConfig): Promise<SideService> {
  const { startMockServer } = await import('../mock/server.js');
  const m = (cfg.extra.mock ?? {}) as Record<string, number | undefined>;
  const server = await startMockServer({
    port: 0,
    ttftMs: m.ttft,
    itlMs: m.itl,
    jitterMs: m.jitter,
    tokensPerChunk: m.tokensPerChunk,
    errorRate: m.errorRate,
    defaultOutputTokens: m.outputTokens,
    reasoningTokens: m.reasoningTokens,
    seed: cfg.seed,
  });
  return { url: server.url, close: () => server.close() };
}

/** Writes summary.json atomically; secrets that reached the options are redacted. */
export function writeSummary(summary: RunSummary, dir: string): string {
  const path = join(dir, 'summary.json');
  writeFileAtomic(path, redact(JSON.stringify(summary, null, 2), secretValues()) + '\n');
  return path;
}

/** Values of environment variables that look like credentials: never written anywhere. */
export function secretValues(): string[] {
  return Object.entries(process.env)
    .filter(([k, v]) => v && /KEY|TOKEN|SECRET|PASSWORD/i.test(k))
    .map(([, v]) => v!);
}

/** The process exit code of a finished run (docs/exit-codes.md); an interrupted run did not finish, whatever its figures. */
export function exitCodeFor(summary: RunSummary, cfg: RunConfig): number {
  if (summary.meta.interrupted) return ExitCode.Interrupted;
  if (summary.thresholds?.some((t) => !t.ok)) return ExitCode.ThresholdsCrossed;
  // Not --exit-code-on-error: that one forgives failed requests, and here none even completed.
  if (nothingCompleted(summary)) return ExitCode.RequestsFailed;
  if (summary.total.failures > 0 || taskTotals(summary.tasks).errors > 0) return cfg.exitCodeOnError;
  return ExitCode.Success;
}

/**
 * The programmatic API under `bench run`: resolve options, bundle the
 * scenario, run it, report, and return the exit code with the summary. User
 * errors are thrown as UserError; the CLI prints them.
 */
export async function runScenario(req: RunRequest, io: OutputStreams): Promise<RunResult> {
  const cwd = req.cwd ?? process.cwd();
  const scenarioPath = resolve(cwd, req.scenario);
  const cli: ParsedOptions = validateOptions('command line', stripUndefined(req.options ?? {}), 'flags');
  const file = await loadConfigFile(req.config, cwd);
  const bundle = await bundleFile(scenarioPath, 'scenario');
  try {
    // A top-level await in the scenario runs here first: say what is awaited rather than show nothing.
    const scenario = await sayWhileWaiting(loadScenarioOptions(bundle.path, req.scenario, (m) => io.stderr.write(`warning: ${m}\n`)), (ms) =>
      io.stderr.write(`loading the scenario… (its top-level code is still running, ${formatDuration(ms)})\n`),
      3000,
    );
    const cfg = resolveConfig(req.scenario, { cli, scenario, file: file.options });
    prepareOutputs(cfg, cwd);
    const thresholds = parseThresholds(cfg.thresholds, 'thresholds');
    const reporters: Reporter[] = [...(req.reporters ?? [])];
    if (cfg.out) reporters.push(createFileReporter(resolve(cwd, cfg.out)));
    const tui = req.tui?.(cfg);
    reporters.push(tui ?? createHeadlessReporter(io));
    const warnings: string[] = [];
    const warn = (m: string) => {
      warnings.push(redact(m, secretValues()));
      io.stderr.write(`warning: ${redact(m, secretValues())}\n`);
    };
    if (cfg.extra.segment && cfg.scenarios.some((s) => s.burstiness !== undefined) && [cli, scenario, file.options].every((o) => o.seed === undefined)) {
      // Each instance keeps its own arrivals of the plan's schedule; random gaps are the same schedule only with the same seed.
      warn(`--segment with random arrivals: give every instance the same --seed, or together they do not make the plan's arrival schedule (this one uses --seed ${cfg.seed})`);
    }
    // --live: this instance's intervals go to Redis for bench watch, which may abort the run.
    const live = cfg.extra.live
      ? await (await import('../distributed/live/publisher.js')).openLivePublisher({
          url: cfg.extra.live,
          segment: cfg.extra.segment,
          thresholds: cfg.thresholds,
          hasSlo: Boolean(cfg.extra.slo),
          warn,
        })
      : undefined;
    if (live) reporters.push(live);
    const note = (m: string) => io.stderr.write(`${m}\n`);
    const run = new Run(cfg, bundle.path, { reporters, startMock, warn, thresholds, cwd, note, scenarioHash: bundle.sourceHash });
    live?.onAbort((reason) => run.stop(`aborted by bench watch: ${reason}`, true));
    for (const r of reporters) r.bindStop?.(() => run.stop('stopped by user', true));
    req.onRun?.(run, cfg);
    const onAbort = () => run.stop('interrupted', true);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    if (req.signal?.aborted) onAbort();
    let summary: RunSummary;
    try {
      summary = await run.execute();
    } catch (err) {
      req.signal?.removeEventListener('abort', onAbort);
      // onRunEnd never comes: let the live view's connections go, so the process can exit.
      await live?.close();
      throw err;
    }
    applyStopVerdict(summary);
    run.applyThresholds(summary);
    if (warnings.length > 0) summary.warnings = [...warnings];
    // A failure of Volley's own during the run (a worker died, a load model threw) outranks the figures.
    const internal = run.internalError;
    let exitCode = internal !== undefined ? ExitCode.InternalError : exitCodeFor(summary, cfg);
    // Every request refused (401/403) or unable to connect: the run guard stopped it, a user error (docs/exit-codes.md).
    if (internal === undefined && run.userStop) exitCode = ExitCode.UserError;
    summary.meta.exitCode = exitCode;
    if (cfg.out) writeSummary(summary, resolve(cwd, cfg.out));
    await run.finish(summary);
    if (internal !== undefined) io.stderr.write(`internal error: ${redact(internal, secretValues())}\n  the run stopped there; the results are what it measured until then\n`);
    if (nothingCompleted(summary)) io.stderr.write(`failed: no request completed; ${summary.total.aborted} were still in flight at the stop and aborted\n`);
    if (internal === undefined && run.userStop) io.stderr.write(`${redact(formatError(run.userStop), secretValues())}\n`);
    if (cfg.out) io.stderr.write(`results written to ${cfg.out}/\n`);
    // teardown() only now, every file written: one that hangs or is cut short by a signal loses nothing.
    const added = await run.close().finally(() => req.signal?.removeEventListener('abort', onAbort));
    if (added) {
      if (added.timedOut) (summary.meta.timedOut ??= []).push(added.timedOut);
      if (added.teardownError) summary.meta.teardownError = added.teardownError;
      if (cfg.out) {
        writeSummary(summary, resolve(cwd, cfg.out));
        writeReports(summary, resolve(cwd, cfg.out));
      }
    }
    return { exitCode, summary, config: cfg };
  } finally {
    bundle.dispose();
  }
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export { formatSummaryTable };

/**
 * The run's output places, made ready before the load starts: a folder or file
 * that cannot be written is a user error now, not the loss of a finished run.
 * Workers only append to --requests-log, so each run starts it empty.
 */
function prepareOutputs(cfg: RunConfig, cwd: string): void {
  const attempt = (flag: string, path: string, make: () => void, hint: string): void => {
    try {
      make();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new UserError(`${flag} ${path}: cannot write there (${code})`, hint);
    }
  };
  const out = cfg.out;
  if (out) attempt('--out', out, () => makeDir(resolve(cwd, out)), 'give a folder you can write to');
  const log = cfg.extra.requestsLog;
  if (typeof log === 'string') attempt('--requests-log', log, () => writeFileAtomic(resolve(cwd, log), ''), 'give a file in a folder you can write to');
}
