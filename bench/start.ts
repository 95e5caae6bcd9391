// Launch to the target's first request: how long a user waits between starting
// the tool and the first request reaching the server, for `bench run` (1 user,
// 1 iteration) against autocannon (`-a 1 -c 1`), interleaved in one batch.
// Also prints each tool's whole wall time and CPU time (user + system, all
// threads, from /usr/bin/time). `npm run bench:start -- --runs 7`;
// docs/benchmarks.md ("Start-up") for the method and the figures.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { autocannonBin } from './lib/generators.js';
import { buildDist } from './lib/procs.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    workers: { type: 'string', default: '2' },
    against: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const runs = Number(args.runs);
if (!(runs > 0 && Number.isInteger(runs))) {
  console.error(`bench: --runs expects a positive integer, got "${args.runs}"`);
  process.exit(2);
}
const root = resolve(import.meta.dirname, '..');
if (!args['no-build']) buildDist(root);
const cannon = autocannonBin(root);
const hasTime = existsSync('/usr/bin/time');

// The first request of each launch is stamped when its headers arrive.
let firstAt: number | undefined;
const server = createServer((_req, res) => {
  firstAt ??= performance.now();
  res.end('ok\n');
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const out = mkdtempSync(join(tmpdir(), 'volley-start-'));
// A project folder of its own: no bench.config.ts (the repository has one), as a first run of a new project.
const cwd = mkdtempSync(join(tmpdir(), 'volley-start-project-'));
const timeFile = join(out, 'time.txt');

interface Launch {
  firstMs: number;
  wallMs: number;
  cpuMs: number;
}

function launch(argv: string[]): Promise<Launch> {
  firstAt = undefined;
  const command = hasTime ? '/usr/bin/time' : process.execPath;
  const full = hasTime ? ['-f', '%U %S', '-o', timeFile, process.execPath, ...argv] : argv;
  const start = performance.now();
  const child = spawn(command, full, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      const wallMs = performance.now() - start;
      if (code !== 0) return reject(new Error(`${argv.join(' ')} exited ${code}: ${stderr}`));
      if (firstAt === undefined) return reject(new Error(`${argv.join(' ')} sent no request`));
      let cpuMs = NaN;
      if (hasTime) {
        const [user, sys] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
        cpuMs = (user! + sys!) * 1000;
      }
      resolve({ firstMs: firstAt - start, wallMs, cpuMs });
    }),
  );
}

interface Tool {
  label: string;
  argv: string[];
  launches: Launch[];
}
const volleyArgs = (dir: string): string[] => [join(dir, 'bin/bench.js'), 'run', join(root, 'bench/scenarios/http-get.ts'), '-u', '1', '--iterations', '1', '--workers', args.workers!, '--headless', '--host', host, '--out', out];
const tools: Tool[] = [{ label: `volley (${args.workers} workers)`, argv: volleyArgs(root), launches: [] }];
if (args.against) tools.push({ label: `volley at ${args.against}`, argv: volleyArgs(resolve(args.against)), launches: [] });
if (cannon) tools.push({ label: 'autocannon -a 1 -c 1', argv: [cannon, '-a', '1', '-c', '1', host], launches: [] });
else console.error('bench: autocannon is not installed (npm ci); only Volley is timed');

for (const tool of tools) await launch(tool.argv); // warm the file cache and the bundle cache: not counted
for (let i = 0; i < runs; i++) for (const tool of tools) tool.launches.push(await launch(tool.argv));
server.close();
rmSync(out, { recursive: true, force: true });
rmSync(cwd, { recursive: true, force: true });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : 'n/a');
console.log(`launch to first request, ${runs} interleaved runs each, medians (ms)`);
console.log(['tool', 'first request', 'whole run', 'CPU', 'first-request runs'].join(' | '));
for (const t of tools) {
  const first = t.launches.map((l) => l.firstMs);
  console.log([t.label, fmt(median(first)), fmt(median(t.launches.map((l) => l.wallMs))), fmt(median(t.launches.map((l) => l.cpuMs))), first.map(fmt).join(', ')].join(' | '));
}
const peer = tools.find((t) => t.label.startsWith('autocannon'));
if (peer) {
  const p = median(peer.launches.map((l) => l.firstMs));
  for (const t of tools) {
    if (t === peer) continue;
    const v = median(t.launches.map((l) => l.firstMs));
    console.log(`${t.label} / autocannon, launch to first request: ${(v / p).toFixed(2)}x (goal ≤ 1.00x)`);
  }
}
