// How precisely Volley keeps a trace's timestamps: a generated Mooncake trace
// (default 10,000 requests, Poisson at 200/s) replayed with --trace on ONE
// worker against `bench mock`; prints schedule_delay (actual start - intended
// start) p50/p99/max. Goal: p99 < 5 ms. `npm run bench:trace -- --help`.
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDist, startChild, tempDir, sleep } from './lib/procs.js';
import { freePort } from './lib/target.js';
import { formatTable } from './lib/table.js';

const HELP = `usage: npm run bench:trace -- [options]

      --requests N      records in the generated trace                 [10000]
      --rate R          their mean arrival rate per second (Poisson)    [200]
      --workers N       worker threads                                   [1]
      --ttft MS         the mock's time to first token, ms               [20]
      --itl MS          the mock's time between tokens, ms               [2]
      --baseline        also run --rate R/s (Poisson) for as long, same scenario, no trace:
                        the scheduler's own delay on this machine now, for comparison
      --no-build        use dist/ as it is (default: rebuild it first)
  -h, --help`;

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '200' },
    workers: { type: 'string', default: '1' },
    ttft: { type: 'string', default: '20' },
    itl: { type: 'string', default: '2' },
    baseline: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
const requests = Number(args.requests);
const rate = Number(args.rate);
if (!(requests > 0) || !(rate > 0)) {
  console.error('bench: --requests and --rate expect positive numbers');
  process.exit(2);
}

// npm runs scripts in the package root; bench/*.ts is bundled into .volley-cache/ first, so no import.meta here.
const ROOT = process.cwd();

/** A Mooncake trace: Poisson arrivals; 8 shared system prompts of 1-2 blocks, then 1-2 blocks of each request's own. */
function mooncakeTrace(n: number, perSec: number): string {
  let s = 12345;
  const random = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const lines: string[] = [];
  let t = 0;
  let own = 1000;
  for (let i = 0; i < n; i++) {
    t += (-Math.log(1 - random()) / perSec) * 1000;
    const sys = Math.floor(random() * 8);
    const ids = sys % 2 ? [sys * 2, sys * 2 + 1] : [sys * 2];
    const mine = 1 + Math.floor(random() * 2);
    for (let k = 0; k < mine; k++) ids.push(own++);
    const input = (ids.length - 1) * 512 + 1 + Math.floor(random() * 511);
    lines.push(JSON.stringify({ timestamp: Math.round(t * 1000) / 1000, input_length: input, output_length: 8 + Math.floor(random() * 24), hash_ids: ids }));
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  if (!args['no-build']) buildDist(ROOT);
  const dir = tempDir('volley-bench-trace-');
  const trace = join(dir, 'trace.jsonl');
  writeFileSync(trace, mooncakeTrace(requests, rate));
  const port = await freePort();
  const mock = startChild([process.execPath, join(ROOT, 'bin/bench.js'), 'mock', '--port', String(port), '--ttft', `${args.ttft}ms`, '--itl', `${args.itl}ms`], { dir, name: 'mock', cwd: ROOT });
  await sleep(1500);
  const loadBefore = loadavg()[0]!;
  console.log(`bench:trace — ${requests} Mooncake records at ${rate}/s (Poisson), ${args.workers} worker(s), bench mock (ttft ${args.ttft} ms, itl ${args.itl} ms) on 127.0.0.1`);
  console.log(`${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}); load average before: ${loadBefore.toFixed(2)}\n`);
  const rows: string[][] = [];
  const f = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(2));
  const runs: Array<[string, string[]]> = [['--trace', ['--trace', trace]]];
  if (args.baseline) runs.push([`--rate ${rate}/s`, ['--rate', `${rate}/s`, '--arrivals', 'poisson', '-t', `${Math.ceil(requests / rate)}s`]]);
  let traceP99 = NaN;
  for (const [label, flags] of runs) {
    const out = join(dir, label.startsWith('--trace') ? 'trace-run' : 'rate-run');
    const volley = startChild(
      [process.execPath, join(ROOT, 'bin/bench.js'), 'run', join(ROOT, 'bench/scenarios/trace-chat.ts'), ...flags, '-w', String(args.workers), '-H', `http://127.0.0.1:${port}`, '--headless', '--seed', '1', '--out', out],
      { dir, name: label.startsWith('--trace') ? 'trace' : 'rate', cwd: ROOT },
    );
    const code = await volley.exited;
    let s: any;
    try {
      s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    } catch {
      console.error(`volley exited ${code} without a summary: ${readFileSync(volley.stderrPath, 'utf8').trim().split('\n').slice(-5).join(' | ')}`);
      process.exit(1);
    }
    const delay = s.trends.schedule_delay ?? {};
    const intended = s.trends.latency_from_intended ?? {};
    const ran = (s.tasks as Array<{ runs: number }>).reduce((a, t) => a + t.runs, 0);
    const cpu = volley.lifetimeCpuSec();
    if (label === '--trace') traceP99 = delay.p99;
    rows.push([label, String(ran), String(s.counters.dropped_iterations ?? 0), String(s.total.failures), f(delay.p50), f(delay.p99), f(delay.max), f(intended.p50), f(intended.p99), cpu === undefined ? 'n/a' : (cpu / (s.meta.durationMs / 1000)).toFixed(2), s.meta.stopReason]);
  }
  const loadAfter = loadavg()[0]!;
  await mock.stop();
  console.log(formatTable(['run', 'ran', 'dropped', 'failed', 'delay p50', 'delay p99', 'delay max', 'from-int p50', 'from-int p99', 'CPU cores', 'ended'], rows));
  console.log(`\n(delay = actual start - intended start, ms; from-int = latency from the intended start, ms; load average after: ${loadAfter.toFixed(2)})`);
  const delay = { p99: traceP99 };
  console.log(`goal: schedule_delay p99 < 5 ms: ${delay.p99 < 5 ? 'met' : 'NOT met'}`);
}

await main();
