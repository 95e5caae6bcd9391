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
import { buildDist, detectPinning, sleep, startChild, tempDir } from './lib/procs.js';

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
  /** Connections the target accepted during the run. */
  connections: number;
}

function vmHwmKiB(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function runOnce(dir: string, kind: 'idle' | 'keepalive', users: number, workers: number, snapshot?: string): Promise<Figures> {
  const host = target.url;
  const before = await target.connections();
  const probe = snapshot ?? tempDir('volley-user-memory-');
  // Writing a snapshot of 100 MB holds the worker for seconds after the stop arrived: more grace, so it is not given up.
  const out = join(probe, 'out');
  const child = spawn(
    process.execPath,
    [join(dir, 'bin/bench.js'), 'run', scenario, '-u', String(users), '-w', String(workers), '-t', `${durationSec}s`, '--headless', '-H', host, '--out', out, ...(snapshot ? ['--stop-timeout', '60s'] : [])],
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
  return { peakRssKiB: peak, heapUsed, requests: summary.total.requests, connections: (await target.connections()) - before };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * The target: a node:http server that answers every request after DELAY_MS,
 * so the first requests of all users are in flight at once and each user's
 * request gets a connection of its own (a worker's connections are shared by
 * its users: with instant answers, 10,000 users would make far fewer). It
 * keeps them open for two minutes and counts them on a second port.
 */
const DELAY_MS = 1500;
const TARGET = `
import { createServer } from 'node:http';
let connections = 0;
const app = createServer((req, res) => setTimeout(() => { res.writeHead(200, { 'content-length': 3 }); res.end('ok\\n'); }, ${DELAY_MS}));
app.on('connection', () => connections++);
app.keepAliveTimeout = 120000;
app.headersTimeout = 121000;
app.maxConnections = 100000;
const stats = createServer((req, res) => res.end(String(connections)));
app.listen({ port: 0, host: '127.0.0.1', backlog: 20000 }, () => stats.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: app.address().port, statsPort: stats.address().port }));
}));
`;

async function startTarget(core: number | undefined): Promise<{ url: string; connections(): Promise<number>; stop(): Promise<void> }> {
  const dir = tempDir('volley-user-memory-target-');
  const child = startChild([...detectPinning().prefix(core), process.execPath, '--input-type=module', '-e', TARGET], { dir, name: 'target' });
  for (let i = 0; i < 100; i++) {
    const line = readFileSync(child.stdoutPath, 'utf8').split('\n')[0];
    if (line) {
      const { port, statsPort } = JSON.parse(line) as { port: number; statsPort: number };
      return {
        url: `http://127.0.0.1:${port}`,
        connections: async () => Number(await (await fetch(`http://127.0.0.1:${statsPort}/`)).text()),
        stop: () => child.stop(),
      };
    }
    if (child.proc.exitCode !== null) break;
    await sleep(50);
  }
  throw new Error(`the target did not start: ${readFileSync(child.stderrPath, 'utf8').trim()}`);
}

// The target on core 0; the runs are not pinned: their workers use every core.
const target = await startTarget(0);
const samples = new Map<string, Figures[]>();
const key = (b: string, k: string, w: number, u: number) => `${b}|${k}|${w}|${u}`;
try {
  for (let round = 1; round <= rounds; round++) {
    for (const kind of kinds) {
      for (const workers of workerCounts) {
        for (const users of [small, big]) {
          for (const b of builds) {
            log(`round ${round}: ${b.name} ${kind} ${workers}w ${users} users`);
            const f = await runOnce(b.dir, kind, users, workers);
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
        await runOnce(root, kind, users, 1, dirs[i]);
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
const rows: string[][] = [['build', 'case', 'workers', 'users', 'requests', 'connections', 'peak RSS MiB', 'heap MiB', 'RSS B/user', 'heap B/user']];
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
          String(median((i ? g : s).map((f) => f.connections))),
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
