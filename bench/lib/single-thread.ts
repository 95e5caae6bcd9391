// A profiling aid: Volley's worker runtime on this one thread, no piscina, no
// main thread, so `node --cpu-prof` sees nothing but the hot path (DSL loop,
// HTTP client, recorder). It starts its own nginx (or Node) target unless
// --url is given.
//   node scripts/run-ts.mjs bench/lib/single-thread.ts [-u 50] [-d 10] [--url http://127.0.0.1:PORT]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof scripts/run-ts.mjs bench/lib/single-thread.ts
import { parseArgs } from 'node:util';
import { HttpUser, task } from '../../src/api/index.js';
import { WorkerRuntime } from '../../src/runtime/worker-runtime.js';
import type { UserClass } from '../../src/runtime/load-scenario.js';
import { detectPinning } from './procs.js';
import { nginxPath, startNginx, startNodeTarget, type Target } from './target.js';

/** The same user as bench/scenarios/http-get.ts. */
class Getter extends HttpUser {
  @task() async get() {
    await this.client.get('/');
  }
}

const { values } = parseArgs({
  options: {
    users: { type: 'string', short: 'u', default: '50' },
    duration: { type: 'string', short: 'd', default: '10' },
    warmup: { type: 'string', default: '2' },
    url: { type: 'string' },
  },
});
const users = Number(values.users);
const durationMs = Number(values.duration) * 1000;
const warmupMs = Number(values.warmup) * 1000;

let target: Target | undefined;
let url = values.url;
if (!url) {
  const pinning = detectPinning();
  const nginx = nginxPath();
  target = nginx ? await startNginx(nginx, pinning, 0) : await startNodeTarget(pinning, 0);
  url = target.url;
}

const rt = new WorkerRuntime(
  { host: url, hostAliases: {}, seed: 1, requestTimeoutMs: 60_000, maxUsers: users, snapshotIntervalMs: 1000, extra: {} },
  0,
  1,
  new Map([['Getter', Getter as unknown as UserClass]]),
  [],
);
const requests = () => rt.recorder.takeDelta().endpoints.reduce((a, e) => a + e.requests, 0);

rt.setUsers({ Getter: users });
await new Promise((r) => setTimeout(r, warmupMs));
requests();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
// Take deltas every second, as a worker does, so the recorder's interval work is in the profile too.
let n = 0;
const ticker = setInterval(() => (n += requests()), 1000);
await new Promise((r) => setTimeout(r, durationMs));
clearInterval(ticker);
n += requests();
const cpu = process.cpuUsage(cpu0);
const sec = (performance.now() - t0) / 1000;
const cpuSec = (cpu.user + cpu.system) / 1e6;
await rt.stopAll(2000);
await target?.stop();
console.log(
  `single thread, ${users} users, ${sec.toFixed(1)} s: ${Math.round(n / sec)} req/s, ${cpuSec.toFixed(2)} CPU-s (${(cpuSec / sec).toFixed(2)} cores), ` +
    `${Math.round(n / cpuSec)} req/CPU-s`,
);
