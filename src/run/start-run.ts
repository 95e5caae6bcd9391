import { resolve } from 'node:path';
import { bundleFile, type Bundle } from '../compile/bundle.js';
import { loadConfigFile, loadScenarioOptions, resolveConfig, type RunConfig } from '../config/resolve.js';
import type { ParsedOptions } from '../config/schema.js';
import { validateOptions } from '../config/validate.js';
import { formatDuration } from '../util/format-duration.js';
import { Run, type SideService } from '../engine/orchestrator.js';
import { sayWhileWaiting } from '../engine/lifecycle.js';
import { redact, UserError } from '../errors.js';
import type { RunSummary } from '../metrics/summary-types.js';
import { createHeadlessReporter } from '../report/headless.js';
import { createLazyFileReporter } from '../report/files/lazy-reports.js';
import type { OutputStreams, Reporter } from '../metrics/reporter.js';
import { parseThresholds } from '../thresholds/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { makeDir } from '../util/make-dir.js';
import { RunController } from './controller.js';
import type { WorkerThreads } from '../pool/pool.js';
import { endRun } from './end-run.js';
import { secretValues } from './outcome.js';
import { planExperiment } from './experiment.js';
import { createExporters } from '../telemetry/exporters.js';
import { parseLiveUrl } from '../config/live-url.js';

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
  /** Worker threads the caller started early (the CLI: cli/prestart.ts); the run takes them if it needs as many, else ends them. */
  threads?: WorkerThreads;
  /** The scenario's bundle, started by the caller (the CLI, while the run's modules load); else bundled here. */
  bundle?: Promise<Bundle>;
  /** Opens the --live channel (Redis, for `bench watch`) when the options ask for one; the CLI passes distributed/live's. */
  openLive?: (opts: LiveChannelOptions) => Promise<LiveChannel>;
}

/** What --live asks of its channel (distributed/live/publisher.ts). */
export interface LiveChannelOptions {
  url: string;
  segment?: string;
  thresholds: RunConfig['thresholds'];
  hasSlo: boolean;
  warn: (message: string) => void;
}

/** A reporter that publishes the run's intervals and may be told by `bench watch` to abort it. */
export interface LiveChannel extends Reporter {
  onAbort(cb: (reason: string) => void): void;
  close(): Promise<void>;
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
    prefixCache: (cfg.extra.mock?.prefixCache as boolean | undefined) ?? (m.prefillPerTokenMs !== undefined ? true : undefined),
    prefillPerTokenMs: m.prefillPerTokenMs,
    maxConcurrent: m.maxConcurrent,
    seed: cfg.seed,
  });
  return { url: server.url, close: () => server.close() };
}

/**
 * Starts a run: resolves the options, bundles the scenario, and starts the
 * load; returns at once with the handle that watches and steers it
 * (docs/api.md). User errors found before the load (a bad option, scenario or
 * config) reject this promise as a UserError; what happens later settles
 * `handle.done`.
 *
 * @example
 * import { startRun } from 'volley/run';
 * const run = await startRun({ scenario: 'load.ts', options: { users: 2, duration: '30s', host: 'http://127.0.0.1:8080' } });
 * run.onSnapshot((s) => console.log(s.total.requests));
 * run.setUsers(5);
 * const { exitCode, summary } = await run.done;
 */
export async function startRun(req: RunRequest, io: OutputStreams = { stdout: process.stdout, stderr: process.stderr }): Promise<RunController> {
  try {
    return await startRunWith(req, io);
  } catch (err) {
    // The run never took the threads started for it: end them, or they keep the process alive.
    void req.threads?.destroy();
    throw err;
  }
}

async function startRunWith(req: RunRequest, io: OutputStreams): Promise<RunController> {
  const cwd = req.cwd ?? process.cwd();
  const scenarioPath = resolve(cwd, req.scenario);
  const cli: ParsedOptions = validateOptions('command line', stripUndefined(req.options ?? {}), 'flags');
  const file = await loadConfigFile(req.config, cwd);
  const bundle = await (req.bundle ?? bundleFile(scenarioPath, 'scenario'));
  try {
    // A top-level await in the scenario runs here first: say what is awaited rather than show nothing.
    const scenario = await sayWhileWaiting(loadScenarioOptions(bundle.path, req.scenario, (m) => io.stderr.write(`warning: ${m}\n`)), (ms) =>
      io.stderr.write(`loading the scenario… (its top-level code is still running, ${formatDuration(ms)})\n`),
      3000,
    );
    const cfg = resolveConfig(req.scenario, { cli, scenario, file: file.options });
    const experiment = await planExperiment(cfg, bundle.path, cwd);
    prepareOutputs(cfg, cwd);
    const thresholds = parseThresholds(cfg.thresholds, 'thresholds');
    const controller = new RunController(cfg);
    // The handle's own reporter first: its snapshots are not held up by a slow reporter.
    const reporters: Reporter[] = [controller.reporter, ...(req.reporters ?? [])];
    if (cfg.out) reporters.push(createLazyFileReporter(resolve(cwd, cfg.out)));
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
    // The channel is a wing (distributed/live) that the CLI plugs in: the run does not import it.
    if (cfg.extra.live && !req.openLive) throw new UserError('--live is not available here', 'it publishes through `bench run`; drop the live option when driving a run from Node');
    const live = cfg.extra.live
      ? await req.openLive!({ url: cfg.extra.live, segment: cfg.extra.segment, thresholds: cfg.thresholds, hasSlo: Boolean(cfg.extra.slo), warn })
      : undefined;
    if (live) reporters.push(live);
    const note = (m: string) => io.stderr.write(`${m}\n`);
    // --prometheus-port, --out-remote-write (docs/telemetry.md): Volley's figures out, as reporters.
    const exporters = await createExporters({
      scenarioPath: req.scenario,
      prometheusPort: cfg.extra.prometheusPort,
      outRemoteWrite: cfg.extra.outRemoteWrite,
      remoteWriteIntervalMs: cfg.extra.remoteWriteInterval,
      runId: cfg.extra.runId,
      liveRunId: cfg.extra.live ? parseLiveUrl(cfg.extra.live).runId : undefined,
      segment: cfg.extra.segment,
      note,
      warn,
    }).catch(async (err: unknown) => {
      // A port in use is a user error before the run: let go of the --live channel opened above.
      await live?.close();
      throw err;
    });
    reporters.push(...exporters);
    const run = new Run(cfg, bundle.path, { reporters, startMock, warn, thresholds, cwd, note, scenarioHash: bundle.sourceHash, threads: req.threads });
    controller.attach(run);
    live?.onAbort((reason) => run.stop(`aborted by bench watch: ${reason}`, true));
    for (const r of reporters) r.bindStop?.(() => run.stopByUser('stopped by user'));
    req.onRun?.(run, cfg);
    const onAbort = () => run.stop('interrupted', true);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    if (req.signal?.aborted) onAbort();
    const ended = endRun(run, cfg, { io, cwd, warnings, live, detach: () => req.signal?.removeEventListener('abort', onAbort), experiment });
    // The threads end with the pool that took them; not taken (a plan refused before the workers start), they end here.
    controller.settle(ended.finally(() => Promise.all([...exporters.map((e) => e.close()), req.threads?.destroy()]).then(() => bundle.dispose())));
    return controller;
  } catch (err) {
    bundle.dispose();
    throw err;
  }
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

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
