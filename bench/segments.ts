/**
 * `npm run bench:segments`: one plan split over 1, 2 and 4 Volley processes on
 * this machine, each a separate `bench run` (as separate machines would be),
 * then merged with the same code as `bench merge`; the merged figures are
 * printed next to those of one process running the whole plan. It also prints
 * requests per CPU-second of one single-worker instance: the per-core figure
 * `bench k8s` sizes pods with (src/distributed/k8s/capacity.ts).
 *
 * Until the engine applies --segment (docs/distributed.md, "Status"), the
 * instances are plain runs with the users split by splitEvenly, the rule
 * --segment uses; pass --segment-flag to run them with --segment i/N instead.
 * Figures, never assertions: the target shares this machine's cores.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mergeRuns } from '../src/distributed/merge/index.js';
import { splitEvenly } from '../src/engine/plan.js';
import type { RunSummary } from '../src/metrics/summary-types.js';

const USERS = Number(process.env.SEGMENTS_USERS ?? 32);
const DURATION = process.env.SEGMENTS_DURATION ?? '8s';
const useSegmentFlag = process.argv.includes('--segment-flag');
const root = resolve(process.cwd());
const scenario = join(root, 'bench/scenarios/http-get.ts');
const ticksPerSec = 100;

/** A small target in its own process, so it does not share the event loop of this script. */
async function startTarget(): Promise<{ url: string; stop: () => void }> {
  const code = `require('http').createServer((q, s) => s.end('hello from the volley benchmark\\n')).listen(0, '127.0.0.1', function () { console.log(this.address().port) })`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((r) => child.stdout!.once('data', (d: Buffer) => r(Number(String(d).trim()))));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

/** utime + stime of a process, in seconds, while it lives. */
function cpuSec(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / ticksPerSec;
  } catch {
    return undefined;
  }
}

interface Instance {
  out: string;
  cpuSec: number;
}

function runInstance(args: string[], out: string): Promise<Instance> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/bench.js'), 'run', scenario, ...args, '--out', out, '--headless', '--skip-host-check'], {
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    let cpu = 0;
    child.stderr!.on('data', (d: Buffer) => (err += d));
    const sampler = setInterval(() => (cpu = cpuSec(child.pid!) ?? cpu), 100);
    child.on('close', (code) => {
      clearInterval(sampler);
      if (code !== 0 && code !== 1) reject(new Error(`bench run exited with ${code}:\n${err}`));
      else resolveRun({ out, cpuSec: cpu });
    });
  });
}

interface Row {
  label: string;
  summary: RunSummary;
  cpuSec: number;
}

async function runSplit(instances: number, target: string, dir: string): Promise<Row> {
  const shares = splitEvenly(USERS, instances);
  const runs = await Promise.all(
    shares.map((users, i) => {
      const args = useSegmentFlag ? ['-u', String(USERS), '--segment', `${i + 1}/${instances}`] : ['-u', String(users)];
      return runInstance([...args, '-t', DURATION, '-w', '1', '-H', target], join(dir, `n${instances}-${i}`));
    }),
  );
  const single = instances === 1;
  const summary = single ? (JSON.parse(readFileSync(join(runs[0]!.out, 'summary.json'), 'utf8')) as RunSummary) : mergeRuns({ inputs: runs.map((r) => r.out), out: join(dir, `n${instances}-merged`) }).summary;
  return { label: single ? '1 (whole plan)' : `${instances} merged`, summary, cpuSec: runs.reduce((a, r) => a + r.cpuSec, 0) };
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

const target = await startTarget();
const dir = mkdtempSync(join(tmpdir(), 'volley-segments-'));
try {
  process.stderr.write(`${USERS} users for ${DURATION} against ${target.url}; instances ${useSegmentFlag ? 'with --segment i/N' : 'as plain runs, users split by splitEvenly'}\n`);
  const rows: Row[] = [];
  for (const n of [1, 2, 4]) rows.push(await runSplit(n, target.url, dir));
  const head = ['instances', 'users', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'CPU s', 'req/CPU-s'];
  const body = rows.map((r) => {
    const t = r.summary.total;
    return [r.label, String(r.summary.meta.users), fmt(t.requests), fmt(t.rps), fmt(t.latencyMs.p50, 3), fmt(t.latencyMs.p99, 3), fmt(t.latencyMs.max, 3), fmt(r.cpuSec, 1), fmt(t.requests / Math.max(r.cpuSec, 0.01))];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(`${line(head)}\n${body.map(line).join('\n')}\n`);
  const one = rows[0]!;
  process.stdout.write(
    `\nper-core capacity (one instance, one worker thread, all of its process's CPU): ${fmt(one.summary.total.requests / Math.max(one.cpuSec, 0.01))} requests per CPU-second\n` +
      `the merged rows are exact merges of the instances' histograms; req/s is total requests over the longest instance's duration\n`,
  );
} finally {
  target.stop();
  rmSync(dir, { recursive: true, force: true });
}
