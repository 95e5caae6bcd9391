import { Command, CommanderError, Option } from 'commander';
import { resolve } from 'node:path';
import { ExitCode, formatError, UserError, redact } from '../errors.js';
import { packageVersion } from '../util/package-root.js';
import { secretValues } from '../util/secret-values.js';
import { releaseSignals } from './signals.js';
import { prestartThreads } from './prestart.js';

const io = { stdout: process.stdout, stderr: process.stderr };

/** Numbers stay strings when they do not parse, so validation can name what was given. */
const num = (v: string): number | string => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);
const collect = (v: string, prev: string[] = []) => [...prev, v];

function fail(err: unknown): never {
  const code = err instanceof UserError ? ExitCode.UserError : ExitCode.InternalError;
  process.stderr.write(redact(formatError(err), secretValues()) + '\n');
  process.exit(code);
}

const program = new Command('bench')
  .description('Volley: load testing for web services and generative-AI APIs')
  .version(packageVersion())
  .exitOverride()
  .showSuggestionAfterError(true)
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('run')
  .description('run a scenario (a .ts or .js file exporting user classes)')
  .argument('<scenario>', 'scenario file')
  .option('-u, --users <n>', 'concurrent users', num)
  .option('-r, --spawn-rate <n>', 'users started per second (default: all at once)', num)
  .option('-t, --duration <duration>', 'run time, e.g. 90s, 5m, 1h (default: until --iterations or Ctrl-C)')
  .option('--iterations <n>', 'total task runs across all users, then stop', num)
  // Load models (docs/load-models.md)
  .option('--rate <rate>', 'open model: iterations started per second, e.g. 50/s, 3000/m (instead of --users)', num)
  .option('--stages <list>', 'a ramp, e.g. 30s:100,1m:100,30s:0 (users) or 1m:50/s,1m:200/s (rates)')
  .option('--max-users <n>', 'open model: most users in flight (default 10 x the peak rate, 100..10000)', num)
  .option('--arrivals <kind>', 'open model: uniform (default) or poisson arrivals')
  .option('--burstiness <b>', 'open model: gamma-distributed gaps of this shape (1 = Poisson, < 1 burstier)', num)
  .option('--iterations-per-user <n>', 'closed model: each user runs this many tasks, then stops', num)
  .option('--correct-coordinated-omission', "with constantPacing waits: also record HdrHistogram's corrected latency")
  .option('-H, --host <url>', 'base URL of the target, overriding the scenario')
  .option('-w, --workers <n>', 'worker threads (default: available cores)', num)
  .option('--headless', 'no terminal UI; progress lines and a final table')
  .option('--out <dir>', 'write summary.json and reports to this folder')
  .option('--seed <n>', 'seed for reproducible task picks, waits and prompts', num)
  .option('-c, --config <file>', 'config file (default: bench.config.ts in the current folder)')
  .option('--stop-timeout <duration>', 'grace period for in-flight requests at the end (default 5s)')
  .option('--lifecycle-timeout <duration>', 'bound of setup(), teardown(), onStart() and onStop() (default 30s)')
  .option('--request-timeout <duration>', 'timeout of each request (default 60s)')
  .option('--max-body <size>', 'largest response body kept per request, e.g. 16MiB (default 4MiB); more fails the request')
  .option('--exit-code-on-error <n>', 'exit code when requests failed (default 1)', num)
  .option('--user-classes <names>', 'comma-separated user classes to run')
  .option('--tags <tags>', 'run only tasks with one of these tags (comma-separated)')
  .option('--exclude-tags <tags>', 'leave out tasks with these tags (comma-separated)')
  .option('--threshold <expr>', "pass/fail criterion, e.g. 'http.p95<300ms' (repeatable)", collect)
  .option('--skip-host-check', 'do not check that the host is reachable before the run')
  .addOption(new Option('--traffic <shapes...>', 'LLM traffic shapes, e.g. D(100,100) "N(480,240)/(300,150)"'))
  .option('--concurrency <list>', 'LLM sweep: concurrency levels, e.g. 1,2,4,8')
  .option('--batch-size <list>', 'embeddings/rerank: texts or documents per request; a list sweeps them, e.g. 1,8,32')
  .option('--max-requests-per-stage <n>', 'sweep: requests per stage', num)
  .option('--max-time-per-stage <duration>', 'sweep: time per stage')
  .option('--warmup <duration>', 'sweep: warm-up per stage, excluded from statistics')
  .option('--dataset <file>', 'prompt dataset (txt, jsonl, csv, sharegpt json)')
  .option('--tokenizer <name>', 'cl100k_base (default), o200k_base, llama3, llama3_1, qwen3, deepseek_v3, gemma3, gpt-oss or a tokenizer.json path')
  .option('--prefix-len <n>', 'tokens of a prefix shared by all prompts', num)
  .option('--prefix-pool <n>', 'number of shared prefixes of --prefix-len tokens; each prompt starts with one, drawn uniformly', num)
  .option('--warm-cache', 'keep shared prefixes the same across runs (default: a per-run salt, so an earlier run cannot warm the cache)')
  .option('--prefix-salt <s>', 'the salt put on shared prefixes and conversations (default: random per run); the same on every machine of a fleet')
  .option('--conversations', "play the dataset's conversations turn by turn (ShareGPT or messages JSONL), growing the history")
  .option('--turns <n>', 'turns per conversation: caps --conversations, or makes conversations from the traffic shape', num)
  .option('--turn-think <duration>', 'pause before each turn after the first, e.g. 1s')
  .option('--slo <list>', 'SLOs for goodput, e.g. ttft<500ms,tpot<50ms')
  .option('--max-error-rate <ratio>', 'stop early when the error rate exceeds this (0..1)', num)
  // Capacity search, rate sweeps, over-saturation (docs/capacity.md)
  .option('--find-capacity', 'search the highest arrival rate (or, with --by users, users) that meets every --slo')
  .addOption(new Option('--by <what>', 'what --find-capacity searches: rate (default) or users').choices(['rate', 'users']))
  .option('--start-rate <level>', 'capacity search: first level, e.g. 5/s (or users with --by users; default 1)')
  .option('--max-rate <rate>', 'capacity search: highest arrival rate tried (default 1000/s)')
  .option('--max-level <n>', 'capacity search: highest level tried, in its unit (req/s, or users: default 256)', num)
  .option('--step-time <duration>', 'capacity search: measured time of each step (default 20s)')
  .option('--step-warmup <duration>', 'capacity search: warm-up before each step, dropped (default: a quarter of --step-time, at most 5s)')
  .option('--capacity-precision <share>', 'capacity search: stop bisecting when the bracket is this narrow (default 5%)')
  .option('--max-steps <n>', 'capacity search: most steps (default 20)', num)
  .option('--rate-sweep <list>', 'open-model sweep: one stage per rate, e.g. 10/s,20/s,40/s (bound with --max-time-per-stage)')
  .option('--stop-over-saturated', 'end the run, or a sweep after its stage, once it over-saturates')
  .option('--max-names <n>', 'distinct request names kept (default 2000); more count under "(other names)"', num)
  .option('--requests-log <file>', 'write one JSON line per LLM request')
  .option('--llm-transport <name>', 'socket (default: raw sockets for http:// LLM servers) or undici')
  .option('--http-transport <name>', 'socket (default: raw sockets for HttpUser requests to http:// hosts) or undici')
  .option('--model <name>', 'model name, overriding the scenario')
  .option('--provider <name>', 'LLM provider, overriding the scenario: openai, azure, anthropic, cohere, bedrock, vertex, vertex-openai, oci or a registered one')
  .option('--retries <n>', 'retry an LLM request up to n times after a 429, 5xx, network error or timeout (default 0); each failed try still counts', num)
  .option('--segment <i/N>', 'run only this share of the plan: 2/4 (second of four) or 1/4:1/2 (docs/distributed.md)')
  .option('--paused', 'get ready, then wait for SIGUSR1 (kill -USR1 <pid>) before starting the load')
  .option('--start-at <iso>', 'wait until this time (ISO, with zone) before starting the load, so a fleet starts together')
  .option('--live <redis-url>', 'publish live figures to Redis for bench watch: redis://host:6379/<run-id>')
  .option('--setup-data <file>', 'skip setup(): give users the data written by bench setup')
  // Experiments (docs/experiments.md)
  .option('--experiment-dir <root>', 'write results to <root>/<provider>_<server-engine>_<model>_<timestamp>/ (instead of --out)')
  .option('--server-engine <name>', 'experiment metadata: the server engine, e.g. vllm, sglang, tgi')
  .option('--server-version <v>', 'experiment metadata: the server version')
  .option('--server-gpu-type <type>', 'experiment metadata: the GPU type, e.g. H100')
  .option('--server-gpu-count <n>', 'experiment metadata: the number of GPUs', num)
  .option('--server-metrics <url>', "scrape the server's Prometheus /metrics each second, e.g. http://127.0.0.1:8000/metrics (repeatable)", collect)
  .option('--server-metric <name>', 'with --server-metrics: also keep this series by its own name (repeatable)', collect)
  .option('--prometheus-port <port>', "serve Volley's live figures at http://127.0.0.1:<port>/metrics (0 picks a free port)", num)
  .option('--out-remote-write <url>', "push Volley's figures to a Prometheus remote-write receiver, e.g. http://127.0.0.1:9090/api/v1/write")
  .option('--remote-write-interval <duration>', 'with --out-remote-write: how often to push (default 5s)')
  .option('--run-id <id>', "the run_id label of exported series (default: --live's run id, else the scenario's name and the start time)")
  // Trace replay (docs/llm.md#trace-replay)
  .option('--trace <file>', 'replay a JSONL trace (Mooncake or {timestamp, prompt, max_tokens}) at its timestamps, open model')
  .option('--trace-speed <x>', 'trace replay speed: 2 = twice as fast, 0.5 = half (default 1)', num)
  .option('--trace-block-size <n>', 'tokens per Mooncake hash_ids block (default 512)', num)
  // The web UI (docs/web-ui.md)
  .option('--web', 'serve the web UI on 127.0.0.1:8089 and wait for Start there')
  .option('--web-host <host>', 'web UI address (default 127.0.0.1; any other needs --web-auth)')
  .option('--web-port <port>', 'web UI port (default 8089; 0 picks a free one)', num)
  .option('--web-auth <user:pass>', 'HTTP Basic auth of the web UI (or VOLLEY_WEB_AUTH)')
  .option('--autostart', 'with --web: start the run at once instead of waiting for Start')
  .option('--autoquit <seconds>', 'with --web: after the run, keep the page up this long, then exit (default: until Ctrl-C)', num)
  .action(async (scenario: string, opts: Record<string, unknown>) => {
    // Start-up in parallel (docs/benchmarks.md#start-up): the worker threads
    // load their modules and esbuild bundles the scenario while this thread
    // loads the run's modules. startRun awaits the bundle where it always did,
    // so a scenario that does not compile is reported in the same order.
    const threads = prestartThreads(opts);
    const bundle = opts.web ? undefined : import('../compile/bundle.js').then((m) => m.bundleFile(resolve(scenario), 'scenario'));
    bundle?.catch(() => undefined); // awaited (and reported) by startRun
    const { runCommand } = await import('./run-command.js');
    await runCommand(scenario, opts, io, { threads, bundle });
  });

// `bench run` is the hot path: the other commands' modules (merge, reports,
// the mock, plots) load only when the command line is not a run.
if (process.argv[2] !== 'run') (await import('./commands.js')).registerExtraCommands(program, io);
// Other commands handle their signals themselves (bench mock, fleet…), or are quick.
program.hook('preAction', (_program, action) => {
  if (action.name() !== 'run') releaseSignals();
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') process.exit(0);
    // commander already printed its one-line message.
    process.exit(ExitCode.UserError);
  }
  fail(err);
}
// Workers and timers are closed by now; exit explicitly so a stray handle cannot hang CI.
process.exit(process.exitCode ?? 0);
