// HTTP throughput and CPU cost of Volley against autocannon and Locust on one
// target, in one run. `npm run bench:http -- --help` for the options;
// docs/benchmarks.md for the method and the figures.
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { autocannon, autocannonBin, locust, locustPython, volley, type Generator } from './lib/generators.js';
import { measure, type Measurement } from './lib/measure.js';
import { buildDist, detectPinning, sleep } from './lib/procs.js';
import { summarizeProfiles } from './lib/profile.js';
import { lifetimeReqPerCpuSec, ratio, reqPerCpuSec, reqPerSec, resultsTable } from './lib/table.js';
import { nginxPath, startNginx, startNodeTarget, type Target } from './lib/target.js';

const HELP = `usage: npm run bench:http -- [options]

  -c, --connections N   connections (autocannon) = users (Volley, Locust)   [50]
  -d, --duration S      seconds per run                                    [10]
      --warmup S        seconds skipped after the load starts               [2]
      --rounds N        run every generator N times, report the median     [1]
      --only LIST       comma-separated: volley,volley-undici,autocannon,locust,volley2   [all]
      --target KIND     nginx or node (default: nginx if installed)
      --no-build        use dist/ as it is (default: rebuild it first)
      --profile DIR     write Volley's CPU profiles (--cpu-prof) to DIR and summarize them
      --baseline DIR    also run the Volley build in DIR (a copy of bin/, dist/ and package.json inside
                        the repository, e.g. .volley-cache/ab-base) in the same rounds: interleaved A/B
  -h, --help`;

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', short: 'c', default: '50' },
    duration: { type: 'string', short: 'd', default: '10' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '1' },
    only: { type: 'string', default: 'volley,volley-undici,autocannon,locust,volley2' },
    target: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    profile: { type: 'string' },
    baseline: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

function positive(name: string, text: string, integer: boolean): number {
  const n = Number(text.replace(/s$/, ''));
  if (!(n > 0) || (integer && !Number.isInteger(n))) {
    console.error(`bench: --${name} expects a positive ${integer ? 'integer' : 'number'}, got "${text}"`);
    process.exit(2);
  }
  return n;
}
const connections = positive('connections', args.connections, true);
const durationSec = positive('duration', args.duration, true);
const warmupSec = positive('warmup', args.warmup, false);
const rounds = positive('rounds', args.rounds, true);
const only = new Set(args.only.split(',').map((s) => s.trim()));
if (warmupSec + 1 >= durationSec) {
  console.error(`bench: --duration (${durationSec} s) must exceed --warmup (${warmupSec} s) by more than the 1 s cool-down`);
  process.exit(2);
}
if (!existsSync('/proc/self/stat')) console.error('bench: no /proc here; CPU columns will read n/a');

// One level below the repository root, both as bench/http.ts and as scripts/run-ts.mjs's bundle in .volley-cache/.
const root = resolve(import.meta.dirname, '..');
const log = (s: string) => process.stderr.write(s + '\n');

if (!args['no-build'] && (only.has('volley') || only.has('volley2'))) buildDist(root);

// ---- The target on core 0, the generators on core 1 -------------------------
const pinning = detectPinning();
const notes: string[] = [];
if (!pinning.available) notes.push(`running unpinned: ${pinning.reason}`);

const nginx = args.target === 'node' ? undefined : nginxPath();
if (args.target === 'nginx' && !nginx) {
  console.error('bench: --target nginx, but nginx is not installed (apt-get install nginx-light)');
  process.exit(2);
}
if (!nginx && args.target !== 'node') notes.push('nginx not found: the target is a Node http server (apt-get install nginx-light for the reference target)');
const target: Target = nginx ? await startNginx(nginx, pinning, 0) : await startNodeTarget(pinning, 0);

const gens: Generator[] = [];
let profileDir: string | undefined;
if (args.profile) {
  profileDir = resolve(args.profile);
  mkdirSync(profileDir, { recursive: true });
}
if (only.has('volley')) gens.push(volley(1, 1, profileDir));
const baselineRoot = args.baseline ? resolve(args.baseline) : undefined;
if (baselineRoot && !existsSync(resolve(baselineRoot, 'bin/bench.js'))) {
  console.error(`bench: --baseline ${args.baseline}: no bin/bench.js there (copy bin/, dist/ and package.json of the other build into it)`);
  process.exit(2);
}
if (baselineRoot) gens.push(volley(1, 1, undefined, undefined, { label: 'baseline', root: baselineRoot }));
// The same run with HttpUser on undici (--http-transport undici): what the socket transport gains.
if (only.has('volley-undici')) gens.push(volley(1, 1, undefined, 'undici'));
if (only.has('autocannon')) {
  const bin = autocannonBin(root);
  if (bin) gens.push(autocannon(bin, 1));
  else notes.push('autocannon skipped: not in node_modules (npm ci installs it)');
}
if (only.has('locust')) {
  const py = locustPython();
  if (py) gens.push(locust(py, 1));
  else notes.push('Locust skipped: no python3 with locust (apt-get install python3-locust)');
}
// Two workers use both cores, so they share core 0 with the target.
if (only.has('volley2')) gens.push(volley(2, undefined));

const machine = `${availableParallelism()} cores, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
log(`target: ${target.kind} at ${target.url}${pinning.available ? ' on core 0' : ''}; ${machine}`);
log(`${connections} connections/users, ${durationSec} s per run, steady window from +${warmupSec} s to ${durationSec - 1} s, ${rounds} round(s)`);

// ---- Runs -----------------------------------------------------------------
const runs = new Map<string, Measurement[]>();
try {
  for (let r = 1; r <= rounds; r++) {
    for (const g of gens) {
      log(`[round ${r}/${rounds}] ${g.label} …`);
      const m = await measure(g, target, { root, connections, durationSec, warmupMs: warmupSec * 1000, cooldownMs: 1000, pinning });
      const list = runs.get(g.label) ?? [];
      runs.set(g.label, list);
      list.push(m);
      log(m.ok ? `  ${Math.round(reqPerSec(m) ?? 0)} req/s, ${Math.round(reqPerCpuSec(m) ?? 0)} req/CPU-s${m.note ? ` (${m.note})` : ''}` : `  failed: ${m.note}`);
      await sleep(1000); // let closed connections drain before the next tool
    }
  }
} finally {
  await target.stop();
}

/** With several rounds, the run with the median requests per CPU-second stands for the tool. */
function median(ms: Measurement[]): Measurement {
  const ok = ms.filter((m) => m.ok).sort((a, b) => (reqPerCpuSec(a) ?? 0) - (reqPerCpuSec(b) ?? 0));
  return ok[Math.floor((ok.length - 1) / 2)] ?? ms[0]!;
}
const results = gens.map((g) => median(runs.get(g.label)!));
/**
 * The median over rounds of a/b within each round: the two runs of a round
 * are minutes apart at most, so a machine whose load drifts (other people's
 * benchmarks) moves both. Steady-window and whole-run figures alike.
 */
function pairedRatio(a: string, b: string, f: (m: Measurement) => number | undefined): string {
  const as = runs.get(a) ?? [];
  const bs = runs.get(b) ?? [];
  const r: number[] = [];
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const x = f(as[i]!);
    const y = f(bs[i]!);
    if (as[i]!.ok && bs[i]!.ok && x !== undefined && y !== undefined && y > 0) r.push(x / y);
  }
  if (r.length === 0) return 'n/a';
  r.sort((p, q) => p - q);
  const mid = r.length % 2 === 1 ? r[(r.length - 1) / 2]! : (r[r.length / 2 - 1]! + r[r.length / 2]!) / 2;
  return `${mid.toFixed(2)}x`;
}
const byLabel = (prefix: string) => results.find((m) => m.label.startsWith(prefix));
const v1 = results.find((m) => m.label === 'volley 1w');
const v2 = byLabel('volley 2w');
const ac = byLabel('autocannon');
const vu = byLabel('volley 1w undici');
const vb = byLabel('volley 1w baseline');
const lc = byLabel('locust');

// ---- Report (stdout) --------------------------------------------------------
const out: string[] = [];
out.push(`HTTP benchmark: GET of a ${target.kind} target returning a small fixed body, ${connections} connections/users, ${durationSec} s per run`);
out.push(`machine: ${machine}; ${pinning.available ? 'target pinned to core 0, generators to core 1 (volley 2w unpinned)' : 'unpinned'}`);
out.push(`steady window: +${warmupSec} s after the load starts to 1 s before the planned end; requests counted by the target`);
if (rounds > 1) out.push(`median of ${rounds} rounds (by req/CPU-s)`);
out.push('');
out.push(resultsTable(results));
out.push('');
out.push('req/s and req/CPU-s: in the steady window; gen CPU and target CPU: cores busy in it (the generator counts its whole process tree,');
out.push('threads included); other CPU: the rest of the machine (should be ~0); whole-run: every request it caused over its lifetime CPU,');
out.push('start-up included; tool req/s: its own figure over its run.');
out.push('');
const goal = (r: string, min: number) => (r === 'n/a' ? '' : Number(r.slice(0, -1)) >= min ? `  (goal >= ${min}x: met)` : `  (goal >= ${min}x: NOT met)`);
if (v1 && ac) {
  // Issue 16: at least 1.25x autocannon's requests per CPU-second, in the steady window and over the whole run.
  const r = ratio(reqPerCpuSec(v1), reqPerCpuSec(ac));
  const whole = ratio(lifetimeReqPerCpuSec(v1), lifetimeReqPerCpuSec(ac));
  out.push(`volley 1w vs autocannon, req/CPU-s: ${r}${goal(r, 1.25)}`);
  out.push(`volley 1w vs autocannon, req/CPU-s over the whole run: ${whole}${goal(whole, 1.25)}`);
  if (rounds > 1) {
    const p = pairedRatio(v1.label, ac.label, reqPerCpuSec);
    const pw = pairedRatio(v1.label, ac.label, lifetimeReqPerCpuSec);
    out.push(`volley 1w vs autocannon, req/CPU-s, median of the ${rounds} rounds' own ratios: ${p}${goal(p, 1.25)}   (whole run: ${pw}${goal(pw, 1.25)})`);
  }
  out.push(`volley 1w vs autocannon, req/s:     ${ratio(reqPerSec(v1), reqPerSec(ac))}`);
}
if (v1 && vu) {
  out.push(`socket vs undici transport, req/CPU-s: ${ratio(reqPerCpuSec(v1), reqPerCpuSec(vu))}   (whole run: ${ratio(lifetimeReqPerCpuSec(v1), lifetimeReqPerCpuSec(vu))})`);
}
if (v1 && vb) {
  out.push(`this build vs baseline,  req/CPU-s: ${ratio(reqPerCpuSec(v1), reqPerCpuSec(vb))}   (whole run: ${ratio(lifetimeReqPerCpuSec(v1), lifetimeReqPerCpuSec(vb))})`);
  if (rounds > 1) out.push(`this build vs baseline,  req/CPU-s, median of the rounds' own ratios: ${pairedRatio(v1.label, vb.label, reqPerCpuSec)}   (whole run: ${pairedRatio(v1.label, vb.label, lifetimeReqPerCpuSec)})`);
}
if (v1 && lc) {
  out.push(`volley 1w vs locust,     req/CPU-s: ${ratio(reqPerCpuSec(v1), reqPerCpuSec(lc))}   (whole run: ${ratio(lifetimeReqPerCpuSec(v1), lifetimeReqPerCpuSec(lc))})`);
  out.push(`volley 1w vs locust,     req/s:     ${ratio(reqPerSec(v1), reqPerSec(lc))}`);
}
if (v1 && v2) {
  const r = ratio(reqPerSec(v2), reqPerSec(v1));
  // With two cores the second worker can only take CPU from the target (or from whatever else runs).
  const bound = availableParallelism() <= 2 || (v2.targetCores ?? 0) > 0.9 || (v2.otherCores ?? 0) > 0.15;
  const why = availableParallelism() <= 2 ? 'the two workers share the 2 cores with the target' : 'the target or other processes hold the cores';
  out.push(`volley 2w vs 1w,         req/s:     ${r}${bound ? `  (${why}: the 1.8x goal applies where the target has cores of its own)` : goal(r, 1.8)}`);
  out.push(`volley 2w vs 1w,         req/CPU-s: ${ratio(reqPerCpuSec(v2), reqPerCpuSec(v1))}  (per-CPU efficiency of two workers vs one)`);
}
for (const m of results) if (m.note) out.push(`note: ${m.label}: ${m.note}`);
const noisy = results.filter((m) => (m.otherCores ?? 0) > 0.15);
if (noisy.length > 0) {
  out.push(`note: other processes kept ${noisy.map((m) => `${m.otherCores!.toFixed(2)} cores (${m.label})`).join(', ')} busy during the window: the figures are not clean; rerun on an idle machine`);
}
for (const n of notes) out.push(`note: ${n}`);
console.log(out.join('\n'));

if (profileDir) {
  console.log(`\nCPU profiles in ${profileDir}:\n`);
  console.log(summarizeProfiles(profileDir, root));
}
