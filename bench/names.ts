// Issue 17: what unique request names (an id in every URL, no `name`) cost
// Volley, against the same run with one name. Prints peak RSS and requests per
// CPU-second of each; the goal is within 2x of each other.
// `npm run bench:names -- --help`; docs/benchmarks.md.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDist, detectPinning, sleep, startChild, tempDir } from './lib/procs.js';
import { startNodeTarget } from './lib/target.js';

const HELP = `usage: npm run bench:names -- [options]

  -u, --users N        users                         [20]
  -d, --duration S     seconds per run               [10]
  -w, --workers N      worker threads                [1]
      --max-names N    passed on to bench run        (default: bench run's)
      --no-build       use dist/ as it is (default: rebuild it first)
  -h, --help`;

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', short: 'u', default: '20' },
    duration: { type: 'string', short: 'd', default: '10' },
    workers: { type: 'string', short: 'w', default: '1' },
    'max-names': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

const root = resolve(import.meta.dirname, '..');
const log = (s: string) => process.stderr.write(s + '\n');
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) {
  console.error(`bench: ${TIME} is needed for the peak RSS (apt-get install time)`);
  process.exit(2);
}
if (!args['no-build']) buildDist(root);

interface Result {
  label: string;
  requests: number;
  durationSec: number;
  cpuSec: number;
  peakRssMb: number;
  names: number;
  fullHistograms: string;
  warned: boolean;
}

const pinning = detectPinning();
const target = await startNodeTarget(pinning, 0);

async function runOnce(label: string, named: boolean): Promise<Result> {
  const dir = tempDir('volley-bench-names-');
  const cmd = [
    TIME, '-f', 'peak-rss-kb %M',
    process.execPath, join(root, 'bin/bench.js'), 'run', join(root, 'bench/scenarios/http-ids.ts'),
    '-u', args.users, '-w', args.workers, '-t', `${args.duration}s`, '-H', target.url, '--headless', '--out', dir,
    ...(args['max-names'] ? ['--max-names', args['max-names']] : []),
  ];
  const child = startChild([...pinning.prefix(1), ...cmd], { dir, name: 'generator', env: { BENCH_NAMED: named ? '1' : '0', CI: 'true' }, cwd: root });
  const code = await child.exited;
  const err = readFileSync(child.stderrPath, 'utf8');
  if (code !== 0) throw new Error(`${label}: bench run exited ${code}\n${err.slice(-2000)}`);
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  const rss = Number(/peak-rss-kb (\d+)/.exec(err)?.[1] ?? NaN);
  return {
    label,
    requests: s.total.requests,
    durationSec: s.meta.durationMs / 1000,
    cpuSec: child.lifetimeCpuSec() ?? NaN,
    peakRssMb: rss / 1024,
    names: s.endpoints.length,
    fullHistograms: s.names ? `${s.names.fullHistograms} / ${s.names.workerFullHistogramsPeak}` : 'n/a',
    warned: Boolean(s.names?.warning),
  };
}

const results: Result[] = [];
try {
  for (const [label, named] of [['one name', true], ['unique paths', false]] as const) {
    log(`${label} …`);
    results.push(await runOnce(label, named));
    await sleep(1000);
  }
} finally {
  await target.stop();
}

const pad = (s: string, n: number, left = false) => (left ? s.padEnd(n) : s.padStart(n));
const rows = [['run', 'requests', 'req/s', 'CPU s', 'req/CPU-s', 'peak RSS MB', 'rows', 'full hist. (run / worker peak)', 'warned']];
for (const r of results) {
  rows.push([r.label, String(r.requests), (r.requests / r.durationSec).toFixed(0), r.cpuSec.toFixed(1), (r.requests / r.cpuSec).toFixed(0), r.peakRssMb.toFixed(0), String(r.names), r.fullHistograms, r.warned ? 'yes' : 'no']);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
const out: string[] = [];
out.push(`bench:names: GET /items/<random id> against a Node target, ${args.users} users, ${args.workers} worker(s), ${args.duration} s per run`);
out.push(`machine: ${availableParallelism()} cores, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}; ${pinning.available ? 'target on core 0, generator on core 1' : 'unpinned'}`);
out.push('');
out.push(rows.map((r) => r.map((c, i) => pad(c, widths[i]!, i === 0)).join('  ')).join('\n'));
const [named, unique] = results;
if (named && unique) {
  const cpuRatio = named.requests / named.cpuSec / (unique.requests / unique.cpuSec);
  const rssRatio = unique.peakRssMb / named.peakRssMb;
  const verdict = (x: number) => (x <= 2 ? 'within 2x: met' : 'NOT within 2x');
  out.push('');
  out.push(`req/CPU-s, one name / unique paths: ${cpuRatio.toFixed(2)}x (${verdict(cpuRatio)})`);
  out.push(`peak RSS, unique paths / one name:  ${rssRatio.toFixed(2)}x (${verdict(rssRatio)})`);
}
out.push('CPU s: the generator process, threads included, start to exit; peak RSS: its maximum resident set (GNU time).');
console.log(out.join('\n'));
