// How long `bench run` takes for the smallest HTTP run (1 user, 1 iteration):
// start-up and shut-down, nothing else. Run it before and after a change to
// what a worker loads (issue 10: an HTTP-only run no longer loads tiktoken and
// the LLM client). Prints each run's wall time and the median.
// `npm run bench:startup -- --runs 5 --workers 2`
// `--against DIR` also times the package at DIR (a copy with package.json,
// bin/ and dist/ of another build), interleaved with this one, so both meet
// the same load on a shared machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
    against: { type: 'string' },
  },
});
const runs = Number(args.runs);

const server = createServer((_req, res) => res.end('ok\n'));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const out = mkdtempSync(join(tmpdir(), 'volley-startup-'));

// The server must answer while bench runs: spawn asynchronously, time each run.
interface Timing {
  wallMs: number;
  cpuMs: number;
}

const timeFile = join(out, 'time.txt');
function once(root: string): Promise<Timing> {
  const start = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, process.execPath, join(root, 'bin/bench.js'), 'run', 'bench/scenarios/http-get.ts', '-u', '1', '--iterations', '1', '--workers', args.workers, '--headless', '--host', host, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      const wallMs = performance.now() - start;
      if (code !== 0) return reject(new Error(`bench run exited ${code}: ${stderr}`));
      const [user, sys] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
      resolve({ wallMs, cpuMs: (user! + sys!) * 1000 });
    }),
  );
}

const roots = [process.cwd(), ...(args.against ? [args.against] : [])];
const times = new Map<string, Timing[]>(roots.map((r) => [r, []]));
for (const root of roots) await once(root); // warm the file cache and the bundle cache: not counted
for (let i = 0; i < runs; i++) for (const root of roots) times.get(root)!.push(await once(root));
server.close();
rmSync(out, { recursive: true, force: true });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const list = (xs: number[]): string => xs.map((t) => t.toFixed(0)).join(', ');
for (const [root, ts] of times) {
  const wall = ts.map((t) => t.wallMs);
  const cpu = ts.map((t) => t.cpuMs);
  console.log(`${root}: bench run, 1 user, 1 iteration, ${args.workers} workers`);
  console.log(`  wall ${list(wall)} ms; median ${median(wall).toFixed(0)} ms`);
  console.log(`  cpu  ${list(cpu)} ms; median ${median(cpu).toFixed(0)} ms`);
}
