// What one idle virtual user costs in memory. Runs `bench run` (the real
// binary, dist/) with users that run one task and then sleep an hour, at 100
// and at 10,000 users, with 1 worker and with the default worker count: once
// without a connection (the task does nothing) and once with one keep-alive
// connection per user (the task is one GET to a local target). Prints the
// bench process's peak RSS (VmHWM) and the workers' heap after a full
// collection (written by the worker when the stop arrives, with every user in
// place: VOLLEY_MEMORY_PROBE, src/runtime/memory-probe.ts), and bytes per
// user = (figure at 10,000 - figure at 100) / 9,900. Linux only (/proc).
// docs/benchmarks.md has the method and the figures.
//   npm run bench:memory -- [--rounds N] [--against DIR] [--snapshot DIR] [--no-build]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { heapBreakdown } from './lib/heap-snapshot.js';
import { buildDist, detectPinning, tempDir } from './lib/procs.js';
import { startNodeTarget } from './lib/target.js';

const HELP = `usage: npm run bench:memory -- [options]

  -d, --duration S    seconds per run (users start at once, then sleep)    [8]
      --small N       the small user count                                  [100]
      --big N         the big user count                                    [10000]
      --rounds N      run every case N times (interleaved), report the median [1]
      --workers LIST  worker counts, "default" = available cores            [1,default]
      --only LIST     idle, keepalive                                        [idle,keepalive]
      --against DIR   also run the package at DIR (a built checkout): before/after in one batch
      --snapshot DIR  heap snapshots of one worker at both counts (1 worker, idle and with
                      the connection), and the per-user difference by object kind
      --no-build      use dist/ as it is (default: rebuild it first)
  -h, --help`;

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', short: 'd', default: '8' },
    small: { type: 'string', default: '100' },
    big: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '1' },
    workers: { type: 'string', default: '1,default' },
    only: { type: 'string', default: 'idle,keepalive' },
    against: { type: 'string' },
    snapshot: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
if (!existsSync('/proc/self/status')) {
  console.error('bench: no /proc here: peak RSS (VmHWM) is read from /proc/<pid>/status');
  process.exit(2);
}
function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`bench: --${name} expects a positive integer, got "${text}"`);
    process.exit(2);
  }
  return n;
}
const durationSec = positiveInt('duration', args.duration);
const small = positiveInt('small', args.small);
const big = positiveInt('big', args.big);
const rounds = positiveInt('rounds', args.rounds);
const workerCounts = args.workers.split(',').map((w) => (w.trim() === 'default' ? availableParallelism() : positiveInt('workers', w.trim())));
const kinds = args.only.split(',').map((k) => k.trim()) as Array<'idle' | 'keepalive'>;
for (const k of kinds) {
  if (k !== 'idle' && k !== 'keepalive') {
    console.error(`bench: --only takes idle and keepalive, got "${k}"`);
    process.exit(2);
  }
}

const root = resolve(import.meta.dirname, '..');
const scenario = join(root, 'bench/scenarios/idle-users.ts');
const builds: Array<{ name: string; dir: string }> = [{ name: 'this', dir: root }];
if (args.against) builds.push({ name: 'against', dir: resolve(args.against) });
const log = (s: string) => process.stderr.write(s + '\n');
if (!args['no-build']) buildDist(root);

interface Figures {
  peakRssKiB: number;
  /** Sum over the workers of their heap after a full collection, bytes. */
  heapUsed: number;
  requests: number;
}

function vmHwmKiB(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function runOnce(dir: string, kind: 'idle' | 'keepalive', users: number, workers: number, host: string, snapshot?: string): Promise<Figures> {
  const probe = snapshot ?? tempDir('volley-user-memory-');
  const out = join(probe, 'out');
  const child = spawn(
    process.execPath,
    [join(dir, 'bin/bench.js'), 'run', scenario, '-u', String(users), '-w', String(workers), '-t', `${durationSec}s`, '--headless', '-H', host, '--out', out],
    {
      env: { ...process.env, CI: 'true', IDLE_FIRST_GET: kind === 'keepalive' ? '1' : '0', VOLLEY_MEMORY_PROBE: probe, VOLLEY_HEAP_SNAPSHOT: snapshot ? '1' : '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, vmHwmKiB(child.pid!) ?? 0)), 50);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`bench run (${kind}, ${users} users, ${workers} workers) exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`);
  let heapUsed = 0;
  for (const f of readdirSync(probe).filter((f) => /^worker-\d+\.json$/.test(f))) heapUsed += (JSON.parse(readFileSync(join(probe, f), 'utf8')) as { heapUsed: number }).heapUsed;
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { total: { requests: number } };
  return { peakRssKiB: peak, heapUsed, requests: summary.total.requests };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const pinning = detectPinning();
// The target on core 0 (it holds up to 10,000 keep-alive connections); the runs are not pinned: their workers use every core.
const target = await startNodeTarget(pinning, 0);
const samples = new Map<string, Figures[]>();
const key = (b: string, k: string, w: number, u: number) => `${b}|${k}|${w}|${u}`;
try {
  for (let round = 1; round <= rounds; round++) {
    for (const kind of kinds) {
      for (const workers of workerCounts) {
        for (const users of [small, big]) {
          for (const b of builds) {
            log(`round ${round}: ${b.name} ${kind} ${workers}w ${users} users`);
            const f = await runOnce(b.dir, kind, users, workers, target.url);
            const k = key(b.name, kind, workers, users);
            samples.set(k, [...(samples.get(k) ?? []), f]);
          }
        }
      }
    }
  }
  if (args.snapshot) {
    for (const kind of kinds) {
      const dirs = [small, big].map((users) => join(resolve(args.snapshot!), `${kind}-${users}`));
      for (const [i, users] of [small, big].entries()) {
        mkdirSync(dirs[i]!, { recursive: true });
        log(`heap snapshot: ${kind}, 1 worker, ${users} users`);
        await runOnce(root, kind, users, 1, target.url, dirs[i]);
      }
      console.log(`\nHeap of one worker, ${kind}: (${big} users - ${small} users) / ${big - small}, by object kind (bytes per user, objects per user)`);
      const rows = heapBreakdown(join(dirs[0]!, 'worker-0.heapsnapshot'), join(dirs[1]!, 'worker-0.heapsnapshot'), big - small);
      for (const r of rows.slice(0, 30)) console.log(`${r.bytes.toFixed(0).padStart(7)} B ${r.count.toFixed(2).padStart(6)}  ${r.kind}`);
      console.log(`${rows.reduce((a, r) => a + r.bytes, 0).toFixed(0).padStart(7)} B in all`);
    }
  }
} finally {
  await target.stop();
}

const kib = (n: number) => (n / 1024).toFixed(0);
const rows: string[][] = [['build', 'case', 'workers', 'users', 'requests', 'peak RSS MiB', 'heap MiB', 'RSS B/user', 'heap B/user']];
for (const b of builds) {
  for (const kind of kinds) {
    for (const workers of workerCounts) {
      const s = samples.get(key(b.name, kind, workers, small))!;
      const g = samples.get(key(b.name, kind, workers, big))!;
      const rss = [median(s.map((f) => f.peakRssKiB)), median(g.map((f) => f.peakRssKiB))];
      const heap = [median(s.map((f) => f.heapUsed)), median(g.map((f) => f.heapUsed))];
      const perUserRss = ((rss[1]! - rss[0]!) * 1024) / (big - small);
      const perUserHeap = (heap[1]! - heap[0]!) / (big - small);
      for (const [i, users] of [small, big].entries()) {
        const last = i === 1;
        rows.push([
          b.name,
          kind === 'idle' ? 'idle, no connection' : 'idle, 1 keep-alive connection',
          String(workers),
          String(users),
          String(median((i ? g : s).map((f) => f.requests))),
          kib(rss[i]!),
          (heap[i]! / 1024 ** 2).toFixed(1),
          last ? perUserRss.toFixed(0) : '',
          last ? perUserHeap.toFixed(0) : '',
        ]);
      }
    }
  }
}
console.log(`\nPeak RSS of the bench process and the workers' heap after a full collection, median of ${rounds} round(s); per user = (${big} - ${small}) / ${big - small}`);
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((v, i) => (i >= 3 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  '));
