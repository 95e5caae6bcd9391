import { resolve } from 'node:path';
import { ExitCode } from '../errors.js';
import type { Run } from '../engine/orchestrator.js';
import type { RunConfig } from '../config/resolve.js';
import type { RunRequest } from '../run/start-run.js';
import type { OutputStreams } from '../metrics/reporter.js';
import { runScenario, writeSummary, secretValues, formatSummaryTable } from './run.js';
import { claimSignals } from './signals.js';
import { loadReportWriters } from '../report/files/lazy-reports.js';
import { runWebCommand, takeWebFlags } from './web-command.js';

/**
 * The action of `bench run`, apart from main.ts so that its modules load
 * while the worker threads start and the scenario bundles (`started`, main.ts).
 */
export async function runCommand(scenario: string, opts: Record<string, unknown>, io: OutputStreams, started: Pick<RunRequest, 'threads' | 'bundle'>): Promise<void> {
  const { threads } = started;
  const webFlags = takeWebFlags(opts);
  if (webFlags) void threads?.destroy();
  if (webFlags) return void (process.exitCode = await runWebCommand(scenario, opts, webFlags, io, secretValues(), (s) => formatSummaryTable(s, { width: Math.max(80, process.stdout.columns ?? 80) })));
  const { config, threshold, ...rest } = opts;
  const options: Record<string, unknown> = { ...rest };
  if (threshold) options.thresholds = threshold;
  const controller = new AbortController();
  let current: { run: Run; cfg: RunConfig } | undefined;
  // What is known now, every file, and leave: a third signal, or a second one the run does not answer in time.
  const writeNowAndExit = async () => {
    if (current) {
      const summary = current.run.buildSummary();
      summary.meta.interrupted = true;
      summary.meta.stopReason = 'interrupted twice';
      summary.meta.exitCode = ExitCode.Interrupted;
      if (current.cfg.out) {
        writeSummary(summary, resolve(current.cfg.out));
        (await loadReportWriters()).writeReports(summary, resolve(current.cfg.out));
      }
      process.stdout.write('\n' + formatSummaryTable(summary));
    }
    process.exit(ExitCode.Interrupted);
  };
  // docs/exit-codes.md#signals: before the run exists a signal exits at once (signals.ts); then the first stops gracefully, the second at once.
  claimSignals((signal, count) => {
    if (!current) {
      process.stderr.write(`\n${signal} before the run started: exiting, nothing ran\n`);
      process.exit(ExitCode.Interrupted);
    }
    if (count === 1) {
      process.stderr.write('\nstopping: finishing in-flight requests (Ctrl-C again to exit at once)\n');
      controller.abort();
      return;
    }
    if (count === 2) {
      // In-flight requests are aborted (and counted so) and every file is written, without waiting for the grace or teardown().
      process.stderr.write('\nstopping now: aborting in-flight requests and writing the results (again to exit without them)\n');
      current.run.interruptAgain();
      setTimeout(writeNowAndExit, 5000).unref();
      return;
    }
    void writeNowAndExit();
  });
  const tuiWanted = process.stdout.isTTY && !process.env.CI && !opts.headless;
  const tuiModule = tuiWanted ? await import('../report/tui/index.js').catch(() => undefined) : undefined;
  // The TUI shows at once (bundling, starting workers), not after 2-3 s of a blank terminal.
  const tui = tuiModule?.createTuiReporter({ stdout: process.stdout, stdin: process.stdin, formatFinal: (s) => formatSummaryTable(s, { width: Math.max(80, process.stdout.columns ?? 80) }) });
  tui?.showPhase('bundling the scenario…');
  const result = await runScenario(
    {
      scenario,
      options,
      config: config as string | undefined,
      signal: controller.signal,
      ...started,
      onRun: (run, cfg) => (current = { run, cfg }),
      tui: (cfg) => {
        if (cfg.headless) tui?.dispose();
        else tui?.showPhase('starting workers…');
        return cfg.headless ? undefined : tui;
      },
    },
    io,
  ).finally(() => tui?.dispose());
  process.exitCode = result.exitCode;
}
