// Issue 17: what unique request names (an id in every URL, no `name`) cost
// Volley, against the same run with one name: peak RSS and requests per
// CPU-second of each, the goal being within 2x of each other.
// `npm run bench:names -- --help`; docs/benchmarks.md for the method and figures.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Generator } from './lib/generators.js';
import { measure, type Measurement } from './lib/measure.js';
import { buildDist, detectPinning, sleep } from './lib/procs.js';
import { formatTable, lifetimeReqPerCpuSec, ratio, reqPerCpuSec, reqPerSec } from './lib/table.js';
import { startNodeTarget } from './lib/target.js';

const HELP = `usage: npm run bench:names -- [options]

  -u, --users N        users                                              [20]
  -d, --duration S     seconds per run                                    [10]
      --warmup S       seconds skipped after the load starts               [2]
  -w, --workers N      worker threads                                     [1]
      --rounds N       run both N times, alternating; report the median   [1]
      --max-names N    passed on to bench run                 (default: its own)
      --no-build       use dist/ as it is (default: rebuild it first)
  -h, --help`;

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', short: 'u', default: '20' },
    duration: { type: 'string', short: 'd', default: '10' },
    warmup: { type: 'string', default: '2' },
    workers: { type: 'string', short: 'w', default: '1' },
    rounds: { type: 'string', default: '1' },
    'max-names': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
function positive(name: string, text: string): number {
  const n = Number(text.replace(/s$/, ''));
  if (!(n > 0) || !Number.isInteger(n)) {
    console.error(`bench: --${name} expects a positive integer, got "${text}"`);
    process.exit(2);
  }
  return n;
}
const users = positive('users', args.users);
const durationSec = positive('duration', args.duration);
const warmupSec = positive('warmup', args.warmup);
const rounds = positive('rounds', args.rounds);
if (warmupSec + 1 >= durationSec) {
  console.error(`bench: --duration (${durationSec} s) must exceed --warmup (${warmupSec} s) by more than the 1 s cool-down`);
  process.exit(2);
}
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) {
  console.error(`bench: ${TIME} (GNU time) is needed for the peak RSS: apt-get install time`);
  process.exit(2);
}

const root = resolve(import.meta.dirname, '..');
const log = (s: string) => process.stderr.write(s + '\n');
if (!args['no-build']) buildDist(root);

/** What a run's own files say beyond the target's counter: peak RSS (GNU time) and the names of summary.json. */
interface Extra {
  peakRssMb: number;
  rows: number;
  fullHistograms: string;
  warned: boolean;
}
const extras = new Map<Measurement['tool'], Extra>();

function variant(label: string, named: boolean): Generator {
  return {
    label,
    core: 1,
    env: { BENCH_NAMED: named ? '1' : '0' },
    command: (c) => [
      TIME, '-f', 'peak-rss-kb %M',
      process.execPath, join(c.root, 'bin/bench.js'), 'run', join(c.root, 'bench/scenarios/http-ids.ts'),
      '-u', String(c.connections), '-w', args.workers, '-t', `${c.durationSec}s`, '-H', c.url, '--headless', '--out', c.dir,
      ...(args['max-names'] ? ['--max-names', args['max-names']] : []),
    ],
    report(c) {
      const s = JSON.parse(readFileSync(join(c.dir, 'summary.json'), 'utf8'));
      const err = readFileSync(join(c.dir, 'generator.err'), 'utf8');
      const tool = { requests: s.total.requests, rps: s.total.rps, failures: s.total.failures };
      extras.set(tool, {
        peakRssMb: Number(/peak-rss-kb (\d+)/.exec(err)?.[1] ?? NaN) / 1024,
        rows: s.endpoints.length,
        fullHistograms: s.names ? `${s.names.fullHistograms} / ${s.names.workerFullHistogramsPeak}` : 'n/a',
        warned: Boolean(s.names?.warning),
      });
      return tool;
    },
  };
}

const pinning = detectPinning();
const target = await startNodeTarget(pinning, 0);
const gens = [variant('one name', true), variant('unique paths', false)];
const runs = new Map<string, Measurement[]>();
try {
  for (let r = 1; r <= rounds; r++) {
    for (const g of gens) {
      log(`[round ${r}/${rounds}] ${g.label} …`);
      const m = await measure(g, target, { root, connections: users, durationSec, warmupMs: warmupSec * 1000, cooldownMs: 1000, pinning });
      if (!m.ok) throw new Error(`${g.label}: ${m.note}`);
      runs.set(g.label, [...(runs.get(g.label) ?? []), m]);
      log(`  ${Math.round(reqPerSec(m) ?? 0)} req/s, ${Math.round(reqPerCpuSec(m) ?? 0)} req/CPU-s, peak RSS ${extras.get(m.tool)?.peakRssMb.toFixed(0)} MB`);
      await sleep(1000);
    }
  }
} finally {
  await target.stop();
}

/** With several rounds, the run with the median requests per CPU-second stands for its variant. */
function median(ms: Measurement[]): Measurement {
  const sorted = [...ms].sort((a, b) => (reqPerCpuSec(a) ?? 0) - (reqPerCpuSec(b) ?? 0));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
const [named, unique] = gens.map((g) => median(runs.get(g.label)!)) as [Measurement, Measurement];
const int = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? 'n/a' : Math.round(x).toLocaleString('en-US'));
const rows = [named, unique].map((m) => {
  const x = extras.get(m.tool)!;
  return [m.label, int(reqPerSec(m)), int(reqPerCpuSec(m)), int(lifetimeReqPerCpuSec(m)), x.peakRssMb.toFixed(0), String(x.rows), x.fullHistograms, x.warned ? 'yes' : 'no', (m.otherCores ?? NaN).toFixed(2)];
});
const out: string[] = [];
out.push(`bench:names: GET /items/<random id> against a Node target, ${users} users, ${args.workers} worker(s), ${durationSec} s per run${rounds > 1 ? `, median of ${rounds} rounds` : ''}`);
out.push(`machine: ${availableParallelism()} cores, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}; ${pinning.available ? 'target on core 0, generator on core 1' : 'unpinned'}`);
out.push('');
out.push(formatTable(['run', 'req/s', 'req/CPU-s', 'whole-run req/CPU-s', 'peak RSS MB', 'rows', 'full histograms (run / worker peak)', 'warned', 'other CPU'], rows));
out.push('');
const goal = (r: string) => (r === 'n/a' ? '' : Number(r.slice(0, -1)) <= 2 ? '  (goal <= 2x: met)' : '  (goal <= 2x: NOT met)');
const cpu = ratio(reqPerCpuSec(named), reqPerCpuSec(unique));
const rss = ratio(extras.get(unique.tool)!.peakRssMb, extras.get(named.tool)!.peakRssMb);
out.push(`req/CPU-s, one name / unique paths: ${cpu}${goal(cpu)}   (whole run: ${ratio(lifetimeReqPerCpuSec(named), lifetimeReqPerCpuSec(unique))})`);
out.push(`peak RSS,  unique paths / one name: ${rss}${goal(rss)}`);
out.push('');
out.push(`req/s and req/CPU-s: requests the target counted and the generator's CPU (threads included) from +${warmupSec} s to 1 s before the end;`);
out.push('whole run: start to exit; peak RSS: the generator\'s maximum resident set (GNU time); other CPU: cores busy with anything else (noise).');
console.log(out.join('\n'));
