import type { Command } from 'commander';
import { parseDurationMs } from '../util/duration.js';
import { UserError } from '../errors.js';
import { mergeRuns } from '../distributed/merge/index.js';
import { runSetupOnce, runTeardownOnce } from '../engine/setup-data.js';
import { createHeadlessReporter } from '../report/headless.js';
import { formatSummaryTable } from '../report/table.js';
import type { Reporter } from '../metrics/reporter.js';

interface FleetIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UserError(`${name} "${v}": expected a whole number from 1`);
  return Number(v);
}

function duration(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = parseDurationMs(v);
  if (ms === undefined) throw new UserError(`${name} "${v}": expected a duration like 30s, 5m or 1h`);
  return ms;
}

/**
 * The commands of a run on many machines (docs/distributed.md): `merge`,
 * `k8s`, `setup`, `teardown` and `watch`. Each parses its arguments and calls
 * the API in src/distributed.
 */
export function registerFleetCommands(program: Command, io: FleetIo): void {
  program
    .command('merge')
    .description('merge the results of the instances of one run exactly (summary.json, CSV, HTML, JUnit, thresholds)')
    .argument('<dirs...>', 'result folders of the instances (each holds summary.json)')
    .requiredOption('--out <dir>', 'folder for the merged results')
    .option('--threshold <expr>', 'judge the merged figures by this instead of the runs\' thresholds (repeatable)', collect)
    .action((dirs: string[], opts: { out: string; threshold?: string[] }) => {
      const r = mergeRuns({ inputs: dirs, out: opts.out, thresholds: opts.threshold });
      for (const w of r.warnings) io.stderr.write(`warning: ${w}\n`);
      io.stdout.write(formatSummaryTable(r.summary));
      io.stderr.write(`merged ${dirs.length} result folder(s) into ${opts.out}/\n`);
      process.exitCode = r.exitCode;
    });

  program
    .command('k8s')
    .description('print Kubernetes manifests that run a scenario on many pods, start them together and merge the results')
    .argument('<scenario>', 'scenario file')
    .argument('[runArgs...]', 'bench run options for every instance (-u, -t, --threshold…)')
    .requiredOption('--instances <n>', 'number of pods, each running one segment')
    .option('--image <image>', 'container image with volley installed (default volley:<version>; docs/distributed.md has a Dockerfile)')
    .option('--namespace <ns>', 'namespace of the objects')
    .option('--name <name>', 'name of the run and its objects (default volley-<scenario>-<time>)')
    .option('--start-delay <duration>', 'start this long after now (default 60s)')
    .option('--start-at <iso>', 'start at this time instead')
    .option('--target-rps <n>', 'the fleet\'s expected requests per second, to size the pods')
    .option('--cpu <cores>', 'CPU cores (and worker threads) per pod')
    .option('--live <redis-url>', 'publish live figures to this Redis (redis://host:6379); the run name is the run id')
    .option('--storage-class <name>', 'storage class of the results volume (must allow ReadWriteMany)')
    .option('--storage <size>', 'size of the results volume (default 1Gi)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (scenario: string, runArgs: string[], opts: Record<string, string | undefined>) => {
      checkRunArgs(program, runArgs);
      const { generateK8s } = await import('../distributed/k8s/index.js');
      const r = await generateK8s({
        scenario,
        runArgs,
        instances: positiveInt('--instances', opts.instances)!,
        image: opts.image,
        namespace: opts.namespace,
        name: opts.name,
        startDelayMs: duration('--start-delay', opts.startDelay),
        startAt: opts.startAt,
        targetRps: positiveInt('--target-rps', opts.targetRps),
        cpu: positiveInt('--cpu', opts.cpu),
        live: opts.live,
        storageClass: opts.storageClass,
        storage: opts.storage,
      });
      io.stdout.write(r.yaml);
    });

  program
    .command('setup')
    .description("run the scenario's setup() once and write what it returns, for every instance's --setup-data")
    .argument('<scenario>', 'scenario file')
    .requiredOption('--out <file>', 'where to write the setup data (JSON)')
    .action(async (scenario: string, opts: { out: string }) => {
      await runSetupOnce(scenario, opts.out);
      io.stderr.write(`setup() ran; its data is in ${opts.out}\n`);
    });

  program
    .command('teardown')
    .description("run the scenario's teardown() once, with the data of bench setup")
    .argument('<scenario>', 'scenario file')
    .option('--setup-data <file>', 'the file bench setup wrote')
    .action(async (scenario: string, opts: { setupData?: string }) => {
      const ran = await runTeardownOnce(scenario, opts.setupData);
      io.stderr.write(ran ? 'teardown() ran\n' : `${scenario} exports no teardown(); nothing to do\n`);
    });

  program
    .command('watch')
    .description('show the live figures of a whole fleet from Redis, judge thresholds across it, abort it')
    .argument('<url>', 'redis://host:port/<run-id>, as given to the instances with --live')
    .option('--headless', 'progress lines instead of the terminal UI')
    .option('--threshold <expr>', 'judge the fleet by this instead of the instances\' thresholds (repeatable)', collect)
    .option('--lost-after <duration>', 'show an instance as lost after this much silence (default 5s)')
    .option('--instances <n>', 'wait until this many instances have been seen')
    .option('--abort [reason]', 'abort every instance of the run, then exit')
    .action(async (url: string, opts: { headless?: boolean; threshold?: string[]; lostAfter?: string; instances?: string; abort?: string | boolean }) => {
      // Loaded here so the Redis client is not loaded by every other command.
      const { abortFleet, watchFleet } = await import('../distributed/live/watch.js');
      if (opts.abort) {
        const reason = typeof opts.abort === 'string' ? opts.abort : 'aborted with bench watch --abort';
        await abortFleet(url, reason);
        io.stderr.write(`abort sent to every instance of ${url}\n`);
        return;
      }
      const tuiWanted = process.stdout.isTTY && !process.env.CI && !opts.headless;
      const tuiModule = tuiWanted ? await import('../report/tui/index.js').catch(() => undefined) : undefined;
      const reporter: Reporter = tuiModule
        ? tuiModule.createTuiReporter({ stdout: process.stdout, stdin: process.stdin, formatFinal: formatSummaryTable })
        : createHeadlessReporter(io);
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const r = await watchFleet({
          url,
          reporters: [reporter],
          thresholds: opts.threshold,
          lostAfterMs: duration('--lost-after', opts.lostAfter),
          expectInstances: positiveInt('--instances', opts.instances),
          signal: controller.signal,
          // Lines would tear the terminal UI; it shows the fleet's state in its header.
          onEvent: tuiModule ? undefined : (line) => io.stderr.write(`fleet: ${line}\n`),
        });
        if (r.abortedFleet) io.stderr.write(`fleet aborted: ${r.abortedFleet}\n`);
        process.exitCode = r.exitCode;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

/** Every option given for the pods must be one `bench run` knows, or each pod would fail at once. */
function checkRunArgs(program: Command, args: readonly string[]): void {
  const run = program.commands.find((c) => c.name() === 'run');
  if (!run) return;
  const known = new Set(run.options.flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f))));
  const unknown = args.filter((a) => a.startsWith('-') && !/^-\d/.test(a) && !known.has(a.split('=')[0]!));
  if (unknown.length) {
    throw new UserError(`bench k8s: ${unknown.join(', ')}: not an option of bench run`, 'bench run --help lists them; options of bench k8s itself go before the scenario or anywhere, e.g. --instances 8', 'E_K8S');
  }
}

