// LLM streaming: tokens per CPU-second and timing accuracy of Volley against a
// minimal undici client and Locust, on the built-in mock, in one run.
// `npm run bench:llm -- --help` for the options; docs/benchmarks.md ("LLM
// streaming") for the method and the figures.
import { createServer } from 'node:net';
import { availableParallelism, cpus } from 'node:os';
import { mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { measureHold, measureStreams, startMock, type HoldFigures, type MockProcess, type StreamFigures } from './lib/llm-measure.js';
import { baselineTool, locustTool, volleyTool, type LlmTool } from './lib/llm-tools.js';
import { locustPython } from './lib/generators.js';
import { buildDist, detectPinning, tempDir } from './lib/procs.js';
import { formatTable } from './lib/table.js';
import { summarizeProfiles } from './lib/profile.js';
import { formatRatios, median, pairedRatios } from './lib/rounds.js';

const HELP = `usage: npm run bench:llm -- [options]

      --streams LIST    concurrent streams                        [100,1000,4000]
      --itl LIST        mock inter-token latency, ms              [10,50]
      --tokens N        output tokens per request                 [64]
      --ttft MS         mock time to first token                  [50]
      --settle S        seconds from the end of a tool's ramp to the window [2.5]
      --window S        seconds measured                          [5]
      --hold N          slow streams held for the memory check    [10000] (0: skip)
      --only LIST       baseline,locust,volley                    [all]
      --no-build        use dist/ as it is (default: rebuild it first)
      --keep DIR        keep every run's files (tool logs, ground truth) in DIR
      --compare DIR     also run the Volley checkout in DIR (built): an A/B of two builds in one run
      --rounds N        run every tool at every load N times, interleaved; the tables show the medians [1]
      --profile DIR     write Volley's CPU profiles (--cpu-prof, one per thread) under DIR and summarize them
  -h, --help`;

const { values: args } = parseArgs({
  options: {
    streams: { type: 'string', default: '100,1000,4000' },
    itl: { type: 'string', default: '10,50' },
    tokens: { type: 'string', default: '64' },
    ttft: { type: 'string', default: '50' },
    settle: { type: 'string', default: '2.5' },
    window: { type: 'string', default: '5' },
    hold: { type: 'string', default: '10000' },
    only: { type: 'string', default: 'baseline,locust,volley' },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'string' },
    compare: { type: 'string' },
    rounds: { type: 'string', default: '1' },
    profile: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

function numbers(name: string, text: string): number[] {
  const list = text.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !(n >= 0) || !Number.isFinite(n))) {
    console.error(`bench: --${name} expects non-negative numbers separated by commas, got "${text}"`);
    process.exit(2);
  }
  return list;
}
const streamsList = numbers('streams', args.streams);
const itlList = numbers('itl', args.itl);
const [outputTokens] = numbers('tokens', args.tokens);
const [ttftMs] = numbers('ttft', args.ttft);
const [settleSec] = numbers('settle', args.settle);
const [windowSec] = numbers('window', args.window);
const [holdStreams] = numbers('hold', args.hold);
const [rounds] = numbers('rounds', args.rounds);
const only = new Set(args.only.split(',').map((s) => s.trim()));

const root = resolve(import.meta.dirname, '..');
const log = (s: string) => process.stderr.write(s + '\n');

if (!args['no-build'] && only.has('volley')) buildDist(root);

// ---- The mock on core 0, the load tool on core 1 ----------------------------
const pinning = detectPinning();
const MOCK_CORE = 0;
const TOOL_CORE = 1;
const notes: string[] = [];
if (!pinning.available) notes.push(`running unpinned: ${pinning.reason}`);

const tools: LlmTool[] = [];
if (only.has('baseline')) {
  // Bundled once here (esbuild, as scripts/run-ts.mjs would on every start), next to node_modules so undici resolves.
  const script = join(root, '.volley-cache', `llm-baseline-${process.pid}.mjs`);
  await build({ entryPoints: [join(root, 'bench/lib/llm-baseline.ts')], outfile: script, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' });
  process.on('exit', () => rmSync(script, { force: true }));
  tools.push(baselineTool(script));
}
if (only.has('locust')) {
  const py = locustPython();
  if (py) tools.push(locustTool(py));
  else notes.push('Locust skipped: no python3 with locust (apt-get install python3-locust)');
}
if (args.compare) tools.push(volleyTool({ label: basename(resolve(args.compare)).replace(/^volley-/, ''), root: resolve(args.compare) }));
if (only.has('volley')) tools.push(volleyTool());

const slug = (label: string) => label.replace(/[^a-z0-9]+/gi, '-').replace(/-+$/, '');

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

const dir = args.keep ? resolve(args.keep) : tempDir('volley-bench-llm-');
mkdirSync(dir, { recursive: true });
const promptChars = 400; // ≈ 100 tokens, the same prompt size for every tool
// Streams start over one request's length (at most 2 s): spread out, not in lockstep waves.
const rampSecFor = (itl: number) => Math.min(2, (ttftMs + outputTokens * itl) / 1000);
// Each tool is measured from settleSec after its ramp, counted from its own first request.
const planFor = (itl: number) => {
  const rampSec = rampSecFor(itl);
  const requestSec = (ttftMs + outputTokens * itl) / 1000;
  // Requests keep starting a second past the window; then those in flight finish.
  const runSec = rampSec + settleSec + windowSec + 1;
  return { rampSec, runSec, plan: { settleSec: rampSec + settleSec, windowSec, maxRunSec: 8 + runSec + requestSec + 5 } };
};
const machine = `${availableParallelism()} cores, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
log(`${machine}; mock on core ${MOCK_CORE}, tools on core ${TOOL_CORE}${pinning.available ? '' : ' (unpinned)'}`);
log(`${outputTokens} tokens per request, TTFT ${ttftMs} ms; each tool measured for ${windowSec} s, from ${settleSec} s after its ramp`);

interface Row {
  itl: number;
  streams: number;
  round: number;
  f: StreamFigures;
}
/** Every run, every round. */
const runs: Row[] = [];
const holds: HoldFigures[] = [];

async function withMock<T>(mockArgs: string[], body: (m: MockProcess) => Promise<T>): Promise<T> {
  const m = await startMock(root, dir, pinning, MOCK_CORE, await freePort(), mockArgs);
  try {
    return await body(m);
  } finally {
    await m.child.stop(1000);
  }
}

for (const itl of itlList) {
  await withMock(['--ttft', `${ttftMs}ms`, '--itl', `${itl}ms`, '--output-tokens', String(outputTokens)], async (mock) => {
    for (const streams of streamsList) {
      for (let round = 1; round <= Math.max(1, rounds); round++) {
        // Interleaved, and the order turns each round, so no tool always runs first (or after the same neighbour).
        const order = tools.map((_, i) => tools[(i + round - 1) % tools.length]!);
        for (const tool of order) {
          log(`ITL ${itl} ms, ${streams} streams${rounds > 1 ? `, round ${round}` : ''}: ${tool.label} …`);
          const { rampSec, runSec, plan } = planFor(itl);
          const name = `${itl}-${streams}-${slug(tool.label)}${rounds > 1 ? `-r${round}` : ''}`;
          const profileDir = args.profile && tool.label.startsWith('volley') ? join(resolve(args.profile), name) : undefined;
          const run = { url: mock.url, streams, outputTokens, promptChars, runSec, rampSec, dir: join(dir, name), root, profileDir };
          const f = await measureStreams(tool, run, mock, plan, pinning, TOOL_CORE);
          if (!f.ok) log(`  failed: ${f.note}`);
          runs.push({ itl, streams, round, f });
        }
      }
    }
  });
}

// ---- Memory: many slow streams (one token a second) held open --------------
const holdTools = tools.filter((t) => t.label !== 'locust fasthttp');
if (holdStreams > 0 && holdTools.length > 0) {
  const holdTokens = 20;
  const holdSec = 12;
  await withMock(['--ttft', '1s', '--itl', '1s', '--output-tokens', String(holdTokens)], async (mock) => {
    for (const tool of holdTools) {
      log(`${holdStreams} slow streams: ${tool.label} …`);
      const run = { url: mock.url, streams: holdStreams, outputTokens: holdTokens, promptChars, runSec: holdSec, rampSec: 2, dir: join(dir, `hold-${slug(tool.label)}`), root };
      holds.push(await measureHold(tool, run, mock, holdSec, pinning, TOOL_CORE));
    }
  });
}

// ---- Report -----------------------------------------------------------------
const int = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? 'n/a' : Math.round(x).toLocaleString('en-US'));
const fix = (x: number | undefined, d = 2) => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));
const perCpu = (f: StreamFigures | undefined) => (f && f.ok && f.cpuSec > 0 ? f.tokens / f.cpuSec : undefined);
// Whole runs: start-up, ramp, drain and shut-down paid too.
const perCpuRun = (f: StreamFigures | undefined) => (f && f.run.cpuSec && f.run.cpuSec > 0 ? f.run.tokens / f.run.cpuSec : undefined);
const pct = (ps: StreamFigures['ttftErr'][]) => ({ n: median(ps.map((p) => p.n)), p50: median(ps.map((p) => p.p50)), p99: median(ps.map((p) => p.p99)) });
/** One tool at one load over its rounds: each figure the median of the rounds that ran through (a single run as it is). */
function medianFigures(fs: StreamFigures[]): StreamFigures {
  const ok = fs.filter((f) => f.ok);
  if (ok.length <= 1) return ok[0] ?? fs[0]!;
  const m = (get: (f: StreamFigures) => number) => median(ok.map(get));
  const cpus = ok.map((f) => f.run.cpuSec).filter((x): x is number => x !== undefined);
  return {
    label: ok[0]!.label,
    ok: true,
    windowSec: m((f) => f.windowSec),
    tokens: m((f) => f.tokens),
    // Tokens and CPU are medians on their own; tokens/CPU-s below is the median of each round's own.
    cpuSec: m((f) => f.cpuSec),
    cpuShare: m((f) => f.cpuShare),
    mockCpuShare: m((f) => f.mockCpuShare),
    peakMiB: m((f) => f.peakMiB),
    ttftErr: pct(ok.map((f) => f.ttftErr)),
    itlErr: pct(ok.map((f) => f.itlErr)),
    recvLag: pct(ok.map((f) => f.recvLag)),
    logged: Math.round(m((f) => f.logged)),
    matched: Math.round(m((f) => f.matched)),
    run: {
      wallSec: m((f) => f.run.wallSec),
      tokens: m((f) => f.run.tokens),
      cpuSec: cpus.length > 0 ? median(cpus) : undefined,
      startupCpuSec: m((f) => f.run.startupCpuSec ?? NaN),
      shutdownCpuSec: m((f) => f.run.shutdownCpuSec ?? NaN),
    },
  };
}
interface Cell {
  itl: number;
  streams: number;
  label: string;
  f: StreamFigures;
  rounds: Row[];
}
const cells: Cell[] = [];
for (const r of runs) {
  let c = cells.find((x) => x.itl === r.itl && x.streams === r.streams && x.label === r.f.label);
  if (!c) cells.push((c = { itl: r.itl, streams: r.streams, label: r.f.label, f: r.f, rounds: [] }));
  c.rounds.push(r);
}
for (const c of cells) c.f = medianFigures(c.rounds.map((r) => r.f));
const cellOf = (c: { itl: number; streams: number }, label: string) => cells.find((x) => x.itl === c.itl && x.streams === c.streams && x.label === label);
/** A figure of a cell over the rounds: the median of each round's own value. */
const medianOf = (c: Cell, get: (f: StreamFigures) => number | undefined) => median(c.rounds.map((r) => get(r.f) ?? NaN));
/**
 * The ratio of a figure of c to the same figure of another tool: per round
 * (runs of one round ran back to back, under the same conditions), then the
 * median of those, with the spread when there are several rounds.
 */
function pairedRatio(c: Cell, label: string, get: (f: StreamFigures) => number | undefined): string {
  const o = cellOf(c, label);
  if (!o || o === c) return '';
  const byRound = (cell: Cell) => new Map(cell.rounds.map((r) => [r.round, get(r.f)]));
  return formatRatios(pairedRatios(byRound(c), byRound(o)));
}

const head = ['ITL', 'streams', 'tool', 'tokens/s', 'mock CPU', 'tool CPU', 'tokens/CPU-s', 'vs baseline', 'vs Locust', 'TTFT err p50', 'p99', 'recv p50', 'p99', 'ITL err p50', 'p99', 'peak MiB', 'matched'];
const table = cells.map((r) => {
  const { f } = r;
  if (!f.ok) return [`${r.itl} ms`, String(r.streams), f.label, 'failed', ...head.slice(4).map(() => '')];
  return [
    `${r.itl} ms`,
    String(r.streams),
    f.label,
    int(f.tokens / f.windowSec),
    `${Math.round(f.mockCpuShare * 100)}%`,
    `${Math.round(f.cpuShare * 100)}%`,
    int(medianOf(r, perCpu)),
    pairedRatio(r, 'baseline (undici)', perCpu),
    pairedRatio(r, 'locust fasthttp', perCpu),
    fix(f.ttftErr.p50),
    fix(f.ttftErr.p99),
    fix(f.recvLag.p50),
    fix(f.recvLag.p99),
    fix(f.itlErr.p50, 3),
    fix(f.itlErr.p99, 3),
    int(f.peakMiB),
    `${f.matched}/${f.logged}`,
  ];
});
const roundsNote = rounds > 1 ? `; ${rounds} rounds, interleaved: each figure the median of the rounds, each ratio the median of the rounds' own (lowest–highest)` : '';
console.log(`\nLLM streaming, ${outputTokens} tokens per request, mock TTFT ${ttftMs} ms (${machine})`);
console.log(`each tool measured for ${windowSec} s from ${settleSec} s after its ramp; tool CPU = cores' worth used by the tool's process tree; errors in ms against the mock's ground truth${roundsNote}`);
console.log(formatTable(head, table));

// The same runs over each tool's whole life: start-up, ramp, drain and shut-down paid too.
const runHead = ['ITL', 'streams', 'tool', 'wall s', 'tokens', 'CPU-s', 'start-up', 'shut-down', 'tokens/CPU-s', 'vs baseline', 'vs Locust'];
const runTable = cells.map((r) => {
  const { f } = r;
  return [
    `${r.itl} ms`,
    String(r.streams),
    f.label,
    fix(f.run.wallSec, 1),
    int(f.run.tokens),
    fix(f.run.cpuSec),
    fix(f.run.startupCpuSec),
    fix(f.run.shutdownCpuSec),
    int(medianOf(r, perCpuRun)),
    pairedRatio(r, 'baseline (undici)', perCpuRun),
    pairedRatio(r, 'locust fasthttp', perCpuRun),
  ];
});
console.log(
  `\nWhole runs (the same runs, launch to exit): tokens the mock wrote to the tool over the CPU-seconds of its whole life; ` +
    `start-up: CPU-s before its first request; shut-down: CPU-s after its last token`,
);
console.log(formatTable(runHead, runTable));
const other = tools.find((t) => t.label.startsWith('volley ('));
if (other) {
  const line = cells
    .filter((c) => c.label === 'volley' && c.f.ok)
    .map((c) => `ITL ${c.itl} ms, ${c.streams}: ${pairedRatio(c, other.label, perCpu)}, whole run ${pairedRatio(c, other.label, perCpuRun)}`);
  console.log(`\nvolley vs ${other.label}, tokens/CPU-s: ${line.join('; ')}`);
}
if (holds.length > 0) {
  console.log(`\n${holdStreams} concurrent slow streams (TTFT 1 s, one token a second), memory after 12 s`);
  console.log(
    formatTable(
      ['tool', 'streams open', 'peak MiB', 'tool CPU', 'under 1 GiB'],
      holds.map((h) => [h.label, int(h.streams), int(h.peakMiB), `${Math.round(h.cpuShare * 100)}%`, h.note ? h.note : h.peakMiB < 1024 ? 'yes' : 'NO']),
    ),
  );
}
for (const r of runs) if (!r.f.ok) notes.push(`${r.f.label} at ITL ${r.itl} ms, ${r.streams} streams${rounds > 1 ? `, round ${r.round}` : ''} failed: ${r.f.note}`);
if (args.profile) {
  // One folder per Volley run; the summary lists its threads (main, worker), busiest first.
  for (const r of runs) {
    if (!r.f.label.startsWith('volley')) continue;
    const d = join(resolve(args.profile), `${r.itl}-${r.streams}-${slug(r.f.label)}${rounds > 1 ? `-r${r.round}` : ''}`);
    console.log(`\nCPU profiles of ${r.f.label}, ITL ${r.itl} ms, ${r.streams} streams${rounds > 1 ? `, round ${r.round}` : ''} (${d}):\n`);
    console.log(summarizeProfiles(d, root, 15));
  }
}
console.log(
  `\nTTFT err: the tool's TTFT minus the mock's (first token written − request received), requests started in the window; ` +
    `recv: of that, the first token's way from the mock's write to the tool (the rest is the request's way to the mock, ` +
    `mostly the mock picking it up); ITL err: |the tool's mean ITL − the mock's| per request.`,
);
for (const n of notes) console.log(`note: ${n}`);
