// Peak memory of `bench run` against servers that send more than anyone
// should keep: bodies that never end, 200 MiB answers, an endless SSE stream.
// Prints the bench process's peak RSS (VmHWM) beside the bytes it received;
// with bodies read as they arrive and kept up to --max-body, the peak stays
// near the baseline whatever the server sends. Linux only (/proc).
//   node scripts/run-ts.mjs bench/hostile-memory.ts [-d seconds]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startHostileServer, type HostileKind } from '../tests/helpers/hostile-servers.js';

const { values: args } = parseArgs({ options: { duration: { type: 'string', short: 'd', default: '5' } } });
const ROOT = resolve('.');
const SCENARIOS = join(ROOT, 'tests/fixtures/scenarios/hostile');

const CASES: Array<{ name: string; kind: HostileKind; scenario: string; users: number; flags?: string[] }> = [
  { name: 'HttpUser, good answers (baseline)', kind: 'close-after-each', scenario: 'http-get.ts', users: 8 },
  { name: 'HttpUser, 200 MiB bodies', kind: 'huge-body', scenario: 'http-get.ts', users: 8 },
  { name: 'HttpUser, bodies without end', kind: 'endless-body', scenario: 'http-get.ts', users: 8 },
  { name: 'LLMUser, good answers (baseline)', kind: 'close-after-each', scenario: 'llm-chat.ts', users: 16 },
  { name: 'LLMUser socket, 200 MiB JSON answers', kind: 'huge-body', scenario: 'llm-chat.ts', users: 16 },
  { name: 'LLMUser undici, 200 MiB JSON answers', kind: 'huge-body', scenario: 'llm-chat.ts', users: 16, flags: ['--llm-transport', 'undici'] },
  { name: 'LLMUser socket, SSE stream without end', kind: 'endless-stream', scenario: 'llm-chat.ts', users: 16 },
];

function peakRssMiB(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'volley-hostile-memory-'));
const rows: string[][] = [['case', 'users', 'peak RSS MiB', 'received MiB', 'requests', 'failures (first kind)']];
try {
  for (const c of CASES) {
    const server = await startHostileServer(c.kind);
    const out = join(tmp, c.kind + c.users + (c.flags?.join('') ?? ''));
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin/bench.js'), 'run', join(SCENARIOS, c.scenario), '-u', String(c.users), '-w', '1', '-t', `${args.duration}s`, '--request-timeout', '2s', '--stop-timeout', '3s', '-H', server.url, '--out', out, ...(c.flags ?? [])],
      { env: { ...process.env, CI: 'true', VOLLEY_HOSTILE_KEY: 'sk-bench-hostile-memory' }, stdio: 'ignore' },
    );
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, peakRssMiB(child.pid!) ?? 0)), 50);
    await new Promise((r) => child.on('close', r));
    clearInterval(sampler);
    await server.close();
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      total: { requests: number; failures: number; bytes: number };
      errors: Array<{ message: string; count: number }>;
    };
    const first = s.errors[0] ? `${s.total.failures} (${s.errors[0].message.slice(0, 60)})` : '0';
    rows.push([c.name, String(c.users), peak.toFixed(0), (s.total.bytes / 1024 ** 2).toFixed(0), String(s.total.requests), first]);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((v, i) => v.padEnd(widths[i]!)).join('  '));
