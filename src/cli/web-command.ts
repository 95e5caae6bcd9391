import { ExitCode, UserError } from '../errors.js';
import type { RunHandle } from '../run/handle.js';
import { startRun } from '../run/index.js';
import { withLive } from './run.js';
import { validateOptions } from '../config/validate.js';
import type { OutputStreams } from '../metrics/reporter.js';
import type { RunSummary } from '../metrics/summary-types.js';
import { claimSignals } from './signals.js';
import type { StartForm } from '../web/api-schema.js';
import { checkBind, parseWebAuth, type WebAuth } from '../web/security.js';
import type { WebFormDefaults } from '../web/server.js';

/** The `bench run` flags of the web UI (docs/web-ui.md). */
export interface WebFlags {
  web?: boolean;
  webHost?: string;
  webPort?: number | string;
  webAuth?: string;
  autostart?: boolean;
  autoquit?: number | string;
}

const WEB_FLAGS = ['web', 'webHost', 'webPort', 'webAuth', 'autostart', 'autoquit'] as const;
const FLAG_NAMES: Record<(typeof WEB_FLAGS)[number], string> = { web: '--web', webHost: '--web-host', webPort: '--web-port', webAuth: '--web-auth', autostart: '--autostart', autoquit: '--autoquit' };

/**
 * Takes the web UI's flags out of the parsed options (the run's own validation
 * does not know them); the flags when --web was given, else undefined.
 */
export function takeWebFlags(opts: Record<string, unknown>): WebFlags | undefined {
  const flags: Record<string, unknown> = {};
  for (const key of WEB_FLAGS) {
    if (opts[key] !== undefined) flags[key] = opts[key];
    delete opts[key];
  }
  if (flags.web) return flags as WebFlags;
  const stray = Object.keys(flags);
  if (stray.length > 0) throw new UserError(`${stray.map((k) => FLAG_NAMES[k as (typeof WEB_FLAGS)[number]]).join(', ')}: only with --web; add --web to serve the web UI`);
  return undefined;
}

/** Starts a run with the CLI's options, as `startRun` does; the web UI's Start calls it with the form's overrides. */
export type StartWithOptions = (options: Record<string, unknown>) => Promise<RunHandle>;

/** The form's fields over the CLI's options: a rate given in the form makes the run open, users make it closed. */
export function optionsFromForm(cli: Record<string, unknown>, form: StartForm): Record<string, unknown> {
  const options = { ...cli };
  if (form.users !== undefined) {
    options.users = form.users;
    delete options.rate;
  }
  if (form.rate !== undefined) {
    options.rate = form.rate;
    delete options.users;
  }
  if (form.spawnRate !== undefined) options.spawnRate = form.spawnRate;
  if (form.host) options.host = form.host;
  if (form.duration) options.duration = form.duration;
  return options;
}

function webAuth(flags: WebFlags): WebAuth | undefined {
  if (flags.webAuth !== undefined) return parseWebAuth(flags.webAuth, '--web-auth');
  const env = process.env.VOLLEY_WEB_AUTH;
  return env ? parseWebAuth(env, 'VOLLEY_WEB_AUTH') : undefined;
}

function port(value: number | string | undefined): number {
  if (value === undefined) return 8089;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UserError(`--web-port ${value}: expected a port number 0..65535 (0 picks a free port)`);
  return n;
}

/**
 * `bench run --web`: serves the page, waits for Start (or starts at once with
 * --autostart), and after the run keeps the page up with its results until
 * Ctrl-C or --autoquit. Resolves with the run's exit code.
 */
export async function runWithWebUi(p: {
  scenario: string;
  options: Record<string, unknown>;
  flags: WebFlags;
  secrets: readonly string[];
  stderr: NodeJS.WritableStream;
  start: StartWithOptions;
}): Promise<number> {
  const { flags, options } = p;
  const host = flags.webHost ?? '127.0.0.1';
  const auth = webAuth(flags);
  // Before anything starts: an open bind without a password is refused (exit 2).
  checkBind(host, auth);
  const autoquitSec = flags.autoquit === undefined ? undefined : Number(flags.autoquit);
  if (autoquitSec !== undefined && !(Number.isFinite(autoquitSec) && autoquitSec >= 0)) {
    throw new UserError(`--autoquit ${String(flags.autoquit)}: expected seconds, e.g. --autoquit 30`);
  }
  const defaults: WebFormDefaults = {
    users: typeof options.users === 'number' ? options.users : undefined,
    spawnRate: typeof options.spawnRate === 'number' ? options.spawnRate : undefined,
    rate: options.rate as string | number | undefined,
    host: options.host as string | undefined,
    duration: options.duration as string | undefined,
  };
  let handle: RunHandle | undefined;
  let quit!: (code: number) => void;
  const quitting = new Promise<number>((r) => (quit = r));
  // Loaded here: a plain `bench run` does not pay for the web UI's modules.
  const { startWebUi } = await import('../web/server.js');
  const ui = await startWebUi({
    host,
    port: port(flags.webPort),
    auth,
    secrets: p.secrets,
    scenario: p.scenario,
    defaults,
    openModel: options.rate !== undefined,
    start: async (form) => (handle = await p.start(optionsFromForm(options, form))),
  });
  p.stderr.write(`web UI: ${ui.url}\n`);

  let interrupted = false;
  claimSignals((signal, count) => {
    if (handle && handle.state !== 'done' && count === 1) {
      // Ctrl-C means leave: the run stops gracefully, writes its results, and the command exits without keeping the page.
      interrupted = true;
      p.stderr.write('\nstopping: finishing in-flight requests (Ctrl-C again to exit at once)\n');
      handle.stop(`interrupted (${signal})`);
      return;
    }
    if (handle && handle.state !== 'done' && count === 2) {
      // As bench run without --web (docs/exit-codes.md#signals): in-flight requests aborted and counted, every file written.
      p.stderr.write('\nstopping now: aborting in-flight requests and writing the results (again to exit without them)\n');
      handle.stopNow();
      setTimeout(() => quit(ExitCode.Interrupted), 5000).unref();
      return;
    }
    if (!handle) p.stderr.write(`\n${signal}: the run was never started, exiting\n`);
    quit(ExitCode.Interrupted);
  });

  if (flags.autostart) {
    // A run that cannot start (a bad scenario or option) ends the command with its own message and exit code.
    await ui.startNow().catch(async (err: unknown) => {
      await ui.close();
      throw err;
    });
  }
  const outcome = ui.started.then((h) => h.done);
  const code = await Promise.race([
    quitting,
    outcome.then(async (o) => {
      if (interrupted) return o.exitCode;
      p.stderr.write(`run done (exit code ${o.exitCode}); the results stay at ${ui.url}${autoquitSec !== undefined ? ` for ${autoquitSec} s` : ' until Ctrl-C'}\n`);
      if (autoquitSec !== undefined) setTimeout(() => quit(o.exitCode), autoquitSec * 1000).unref();
      // Ctrl-C after the run keeps the run's own exit code.
      claimSignals(() => quit(o.exitCode));
      return quitting;
    }),
  ]);
  await ui.close();
  return code;
}

/**
 * `bench run --web` from the command line: the run starts through `startRun`
 * with the TUI beside the page when the terminal has one.
 */
export async function runWebCommand(scenario: string, opts: Record<string, unknown>, flags: WebFlags, io: OutputStreams, secrets: readonly string[], formatFinal?: (summary: RunSummary) => string): Promise<number> {
  const { config, threshold, ...rest } = opts;
  const options: Record<string, unknown> = { ...rest };
  if (threshold) options.thresholds = threshold;
  // A bad flag is said now (exit 2), not when Start is pressed in the page.
  validateOptions('command line', Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)), 'flags');
  const tuiWanted = io.stdout.isTTY && !process.env.CI && !opts.headless;
  const tuiModule = tuiWanted ? await import('../report/tui/index.js').catch(() => undefined) : undefined;
  return runWithWebUi({
    scenario,
    options,
    flags,
    secrets,
    stderr: io.stderr,
    start: (runOptions) => {
      const tui = tuiModule?.createTuiReporter({ stdout: process.stdout, stdin: process.stdin, formatFinal });
      const handle = startRun(withLive({ scenario, options: runOptions, config: config as string | undefined, tui: (cfg) => (cfg.headless ? undefined : tui) }), io);
      handle.then((h) => h.done.finally(() => tui?.dispose()), () => tui?.dispose());
      return handle;
    },
  });
}
