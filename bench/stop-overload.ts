// Does the end of a run hold under overload (issue 18)? Runs `bench run` with
// many users for a short -t against a loopback server that notes when each
// request arrives, and prints: the wall time, when the last request reached
// the server (from the first one), how many arrived after -t, and what the
// summary counted. `npm run bench:stop -- --help` for the options.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const HELP = `usage: npm run bench:stop -- [options]

  -u, --users N          users                               [20000]
  -t, --duration S       seconds of load                     [3]
      --stop-timeout S   seconds of grace at the stop        [5]
  -w, --workers N        worker threads (default: bench's)
  -h, --help`;

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', short: 'u', default: '20000' },
    duration: { type: 'string', short: 't', default: '3' },
    'stop-timeout': { type: 'string', default: '5' },
    workers: { type: 'string', short: 'w' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

const arrivals: number[] = [];
const server = createServer((_req, res) => {
  arrivals.push(performance.now());
  res.end('ok\n');
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const out = mkdtempSync(join(tmpdir(), 'volley-bench-stop-'));
const durationS = Number(args.duration);
const stopS = Number(args['stop-timeout']);

const cmd = ['bin/bench.js', 'run', 'bench/scenarios/http-get.ts', '-u', args.users!, '-t', `${durationS}s`, '--stop-timeout', `${stopS}s`, '-H', url, '--headless', '--out', out];
if (args.workers) cmd.push('-w', args.workers);
const started = performance.now();
const child = spawn(process.execPath, cmd, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: 'true' } });
let stderr = '';
child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
const code = await new Promise<number | null>((r) => child.on('close', r));
const wallS = (performance.now() - started) / 1000;
server.closeAllConnections();
server.close();

const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
  meta: { durationMs: number; stopReason: string; exitCode: number; timedOut?: string[] };
  total: { requests: number; aborted: number; failures: number };
};
rmSync(out, { recursive: true, force: true });
const first = arrivals[0] ?? started;
const last = arrivals[arrivals.length - 1] ?? started;
// The load starts about when the first request arrives; -t after that is the planned end.
const planEnd = first + durationS * 1000;
const afterEnd = arrivals.filter((t) => t > planEnd).length;
const fmt = (n: number) => n.toFixed(2);
console.log(`bench run -u ${args.users} -t ${durationS}s --stop-timeout ${stopS}s${args.workers ? ` -w ${args.workers}` : ''}: exit ${code}, wall ${fmt(wallS)} s`);
console.log(`server: ${arrivals.length} requests, the last ${fmt((last - first) / 1000)} s after the first; ${afterEnd} arrived after -t (first + ${durationS} s)`);
console.log(`summary: ${summary.total.requests} completed, ${summary.total.aborted} aborted, ${summary.total.failures} failed; durationMs ${summary.meta.durationMs}; stopReason "${summary.meta.stopReason}"; exitCode ${summary.meta.exitCode}${summary.meta.timedOut ? `; timedOut ${summary.meta.timedOut.join(', ')}` : ''}`);
const warnings = stderr.split('\n').filter((l) => /^(warning|internal error|failed)/.test(l));
if (warnings.length) console.log(warnings.join('\n'));
