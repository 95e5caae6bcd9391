// The highest arrival rate Volley holds against a loopback target with 1 and 2
// workers, and how precisely it keeps the schedule (actual vs intended start).
// `npm run bench:rate -- --help` for the options; docs/load-models.md for the method.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDist, detectPinning, startChild, tempDir } from './lib/procs.js';
import { formatTable } from './lib/table.js';
import { startNodeTarget, type Target } from './lib/target.js';

const HELP = `usage: npm run bench:rate -- [options]

  -d, --duration S      seconds per run                                         [5]
      --rates LIST      the ladder of rates tried, per second  [500,1000,2000,4000,8000,16000,32000]
      --workers LIST    worker counts                                            [1,2]
      --refine N        bisection steps between the last held and first missed  [2]
      --max-users N     users in flight at most (maxUsers)                      [200]
      --no-build        use dist/ as it is (default: rebuild it first)
  -h, --help

A rate is held when at least 97% of the planned arrivals ran, at most 1% were
dropped, and the median schedule delay (actual start - intended start) is under
2 ms: the generator is not falling behind. The p99 is reported beside it.`;

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', short: 'd', default: '5' },
    rates: { type: 'string', default: '500,1000,2000,4000,8000,16000,32000' },
    workers: { type: 'string', default: '1,2' },
    refine: { type: 'string', default: '2' },
    'max-users': { type: 'string', default: '200' },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

const numbers = (name: string, text: string): number[] => {
  const xs = text.split(',').map((s) => Number(s.trim()));
  if (xs.some((x) => !(x > 0))) {
    console.error(`bench: --${name} expects positive numbers, got "${text}"`);
    process.exit(2);
  }
  return xs;
};
const durationSec = numbers('duration', args.duration)[0]!;
const ladder = numbers('rates', args.rates).sort((a, b) => a - b);
const workerCounts = numbers('workers', args.workers);
const refineSteps = Number(args.refine);
if (!Number.isInteger(refineSteps) || refineSteps < 0) {
  console.error(`bench: --refine expects a whole number >= 0, got "${args.refine}"`);
  process.exit(2);
}
const maxUsers = numbers('max-users', args['max-users'])[0]!;

/** Held: the plan ran, on time. wrk2 keeps its rate or says it did not; so does this. */
const HELD = { ranShare: 0.97, droppedShare: 0.01, delayP50Ms: 2 };

interface Trial {
  workers: number;
  rate: number;
  ran: number;
  planned: number;
  dropped: number;
  delayP50: number;
  delayP99: number;
  serviceP50: number;
  serviceP99: number;
  intendedP99: number;
  cpuCores: number | undefined;
  held: boolean;
  failed?: string;
}

// npm runs scripts in the package root; bench/*.ts is bundled into .volley-cache/ first, so no import.meta here.
const ROOT = process.cwd();

async function trial(target: Target, workers: number, rate: number, core: number | undefined): Promise<Trial> {
  const dir = tempDir('volley-bench-rate-');
  const pinning = detectPinning();
  const child = startChild(
    [
      ...pinning.prefix(core),
      process.execPath,
      join(ROOT, 'bin/bench.js'),
      'run',
      join(ROOT, 'bench/scenarios/http-get.ts'),
      '-w', String(workers),
      '--rate', `${rate}/s`,
      '--max-users', String(maxUsers),
      '-t', `${durationSec}s`,
      '-H', target.url,
      '--headless',
      '--seed', '1',
      '--out', dir,
    ],
    { dir, name: 'volley', cwd: ROOT },
  );
  const code = await child.exited;
  const planned = Math.round(rate * durationSec);
  const empty = { workers, rate, ran: 0, planned, dropped: 0, delayP50: NaN, delayP99: NaN, serviceP50: NaN, serviceP99: NaN, intendedP99: NaN, cpuCores: undefined, held: false };
  let s: any;
  try {
    s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  } catch {
    const err = readFileSync(child.stderrPath, 'utf8').trim().split('\n').slice(-3).join(' | ');
    return { ...empty, failed: `exit ${code}: ${err}` };
  }
  const ran = (s.tasks as Array<{ runs: number }>).reduce((a, t) => a + t.runs, 0);
  const dropped = s.counters.dropped_iterations ?? 0;
  const delay = s.trends.schedule_delay ?? {};
  const intended = s.trends.latency_from_intended ?? {};
  const cpu = child.lifetimeCpuSec();
  const t: Trial = {
    workers,
    rate,
    ran,
    planned,
    dropped,
    delayP50: delay.p50,
    delayP99: delay.p99,
    serviceP50: s.total.latencyMs.p50,
    serviceP99: s.total.latencyMs.p99,
    intendedP99: intended.p99,
    cpuCores: cpu === undefined ? undefined : cpu / (s.meta.durationMs / 1000),
    held: false,
  };
  t.held = ran >= HELD.ranShare * planned && dropped <= HELD.droppedShare * planned && delay.p50 < HELD.delayP50Ms;
  return t;
}

const f = (x: number | undefined, d = 2) => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));
const int = (x: number) => Math.round(x).toLocaleString('en-US');

function row(t: Trial): string[] {
  if (t.failed) return [`${t.workers}`, int(t.rate), 'failed', '', '', '', '', '', '', '', t.failed.slice(0, 60)];
  const achieved = t.ran / durationSec;
  return [
    `${t.workers}`,
    int(t.rate),
    int(achieved),
    int(t.dropped),
    f(t.delayP50),
    f(t.delayP99),
    f(t.serviceP50),
    f(t.serviceP99),
    f(t.intendedP99),
    f(t.cpuCores),
    t.held ? 'yes' : 'no',
  ];
}

async function main(): Promise<void> {
  if (!args['no-build']) buildDist(ROOT);
  const pinning = detectPinning();
  // The target on core 0; Volley unpinned with 2 workers (it needs two cores), on core 1 with one.
  const target = await startNodeTarget(pinning, pinning.available ? 0 : undefined);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`bench:rate — node target on 127.0.0.1${pinning.available ? ' (core 0)' : ''}; ${availableParallelism()} cores (${cpu}); ${durationSec} s per run, maxUsers ${maxUsers}`);
  console.log(`pinning: ${pinning.available ? 'taskset' : `off (${pinning.reason})`}\n`);
  const trials: Trial[] = [];
  const best = new Map<number, Trial | undefined>();
  try {
    for (const workers of workerCounts) {
      const core = pinning.available && workers === 1 ? 1 : undefined;
      let held: Trial | undefined;
      let missed: Trial | undefined;
      for (const rate of ladder) {
        const t = await trial(target, workers, rate, core);
        trials.push(t);
        process.stderr.write(`  ${workers}w ${rate}/s: ${t.failed ?? (t.held ? 'held' : 'missed')}\n`);
        if (t.held) held = t;
        else {
          missed = t;
          break;
        }
      }
      // Bisect between the last rate held and the first missed.
      for (let i = 0; i < refineSteps && held && missed; i++) {
        const rate = Math.round((held.rate + missed.rate) / 2);
        const t = await trial(target, workers, rate, core);
        trials.push(t);
        process.stderr.write(`  ${workers}w ${rate}/s: ${t.failed ?? (t.held ? 'held' : 'missed')}\n`);
        if (t.held) held = t;
        else missed = t;
      }
      best.set(workers, held);
    }
  } finally {
    await target.stop();
  }
  const head = ['workers', 'rate/s', 'ran/s', 'dropped', 'delay p50', 'delay p99', 'svc p50', 'svc p99', 'from-int p99', 'CPU cores', 'held'];
  const sorted = [...trials].sort((a, b) => a.workers - b.workers || a.rate - b.rate);
  console.log(formatTable(head, sorted.map(row)));
  console.log('\n(delay = actual start - intended start; svc = service time; from-int = latency from the intended start; all ms)');
  console.log(`\nHighest rate held (≥ ${HELD.ranShare * 100}% of arrivals ran, ≤ ${HELD.droppedShare * 100}% dropped, median delay < ${HELD.delayP50Ms} ms):`);
  for (const w of workerCounts) {
    const b = best.get(w);
    console.log(`  ${w} worker${w > 1 ? 's' : ''}: ${b ? `${int(b.rate)}/s, schedule delay p50 ${f(b.delayP50)} ms, p99 ${f(b.delayP99)} ms` : 'none of the rates tried'}`);
  }
  console.log(
    '\nwrk2-style expectations: below the highest rate held, ran/s equals rate/s and latency from the intended start\n' +
      'stays near the service time; above it, arrivals start late or are dropped and the corrected latency grows with\n' +
      'the run, as wrk2 -R reports when the generator or the target cannot keep the rate.',
  );
}

await main();
