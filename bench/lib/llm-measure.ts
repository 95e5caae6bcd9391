import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allProcesses, treeCpuTicks } from './cpu.js';
import type { ClientRecord, LlmTool, StreamRun } from './llm-tools.js';
import { clockTicksPerSec, sleep, startChild, within, type Child, type Pinning } from './procs.js';

/** The mock's ground truth for one request (src/mock/ground-truth.ts), as GET /mock/ground-truth lists it. */
interface TruthRecord {
  id: string;
  receivedAt: number;
  firstTokenAt?: number;
  lastTokenAt?: number;
  chunks: number;
  /** Output tokens the mock wrote for the request. */
  outputTokens: number;
  status: number;
}

/** A mock server in its own process, pinned to its own core. */
export interface MockProcess {
  url: string;
  child: Child;
  truth(): Promise<TruthRecord[]>;
  clearTruth(): Promise<void>;
}

export async function startMock(root: string, dir: string, pinning: Pinning, core: number, port: number, args: string[]): Promise<MockProcess> {
  const child = startChild([...pinning.prefix(core), process.execPath, join(root, 'bin/bench.js'), 'mock', '--port', String(port), ...args], {
    dir,
    name: `mock-${port}`,
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i === 99) throw new Error(`the mock did not start: ${readFileSync(child.stderrPath, 'utf8')}`);
    await sleep(100);
  }
  return {
    url,
    child,
    truth: async () => (await (await fetch(`${url}/mock/ground-truth`)).json()) as TruthRecord[],
    clearTruth: async () => void (await fetch(`${url}/mock/ground-truth`, { method: 'DELETE' })).arrayBuffer(),
  };
}

export interface Percentiles {
  n: number;
  p50: number;
  p99: number;
}

/** Figures of one tool at one load, all from the steady window unless said otherwise. */
export interface StreamFigures {
  label: string;
  ok: boolean;
  note?: string;
  windowSec: number;
  /** Tokens the tool received in the window (its own per-request records, spread over each request's chunks). */
  tokens: number;
  cpuSec: number;
  /** Cores' worth of CPU the tool's process tree used in the window (1.0 = its core was saturated). */
  cpuShare: number;
  /** The same for the mock: near 1.0, the mock is the bottleneck and its timing slips. */
  mockCpuShare: number;
  /** Sum of VmHWM over the tool's processes, MiB, read at the window's end. */
  peakMiB: number;
  /** client TTFT − server TTFT, ms, requests started in the window. */
  ttftErr: Percentiles;
  /** |client mean ITL − server mean ITL| per request, ms. */
  itlErr: Percentiles;
  /**
   * The part of the TTFT error after the server wrote the first token: its
   * arrival in the tool (epoch clocks of two processes). The rest is the
   * request's way to the server, mostly the mock picking it up.
   */
  recvLag: Percentiles;
  /** Requests started in the window that the tool logged / that matched a ground-truth record. */
  logged: number;
  matched: number;
  /**
   * The whole run, launch to exit: start-up, ramp, drain and shut-down included.
   * Tokens are what the mock wrote to the tool over the run (its ground truth,
   * the same counter for every tool); CPU is the tool's process tree over its
   * whole life (threads and reaped children included, see startChild).
   */
  run: WholeRun;
}

export interface WholeRun {
  /** Launch to exit, s. */
  wallSec: number;
  tokens: number;
  /** Undefined when the tool had to be killed (its lifetime CPU was not recorded). */
  cpuSec: number | undefined;
  /** CPU from launch to the tool's first request (start-up: loading, bundling, workers, tokenizer). */
  startupCpuSec?: number;
  /** CPU after the last answer's last token (shut-down: stopping, summaries, reports, exit), from the last sample before it. */
  shutdownCpuSec?: number;
}

const epochNow = () => performance.timeOrigin + performance.now();

/** VmHWM (peak resident memory) of every process under rootPid, the root (a small sh) left out, in KiB. */
function treePeakKiB(rootPid: number): number {
  const procs = allProcesses();
  const kids = new Map<number, number[]>();
  for (const p of procs) {
    const list = kids.get(p.ppid) ?? [];
    list.push(p.pid);
    kids.set(p.ppid, list);
  }
  let total = 0;
  const stack = [...(kids.get(rootPid) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total += Number(m[1]);
    } catch {
      // gone
    }
    stack.push(...(kids.get(pid) ?? []));
  }
  return total;
}

function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { n: 0, p50: NaN, p99: NaN };
  values.sort((a, b) => a - b);
  const at = (q: number) => values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)]!;
  return { n: values.length, p50: at(0.5), p99: at(0.99) };
}

/** Tokens of one request that arrived in [from, to]: its chunks spread evenly from the first to the last. */
function tokensIn(r: ClientRecord, from: number, to: number): number {
  const n = r.chunks ?? 0;
  if (n === 0 || r.ttftMs === undefined || r.lastTokenMs === undefined) return 0;
  const first = r.t + r.ttftMs;
  const last = r.t + r.lastTokenMs;
  if (n === 1 || last <= first) return first >= from && first <= to ? n : 0;
  const step = (last - first) / (n - 1);
  const lo = Math.max(0, Math.ceil((from - first) / step));
  const hi = Math.min(n - 1, Math.floor((to - first) / step));
  return hi >= lo ? hi - lo + 1 : 0;
}

export interface WindowPlan {
  /** From the tool's first request to the window: its ramp, then time to settle (JIT, connections). */
  settleSec: number;
  windowSec: number;
  /** Longest a tool may run in all (startup, load, finishing what is in flight). */
  maxRunSec: number;
}

/** CPU ticks and peak memory of the tool's process tree, every SAMPLE_MS. */
interface Sample {
  at: number;
  ticks: number;
  peakKiB: number;
  /** The mock's CPU ticks, to show when it, not the tool, is the bottleneck. */
  mockTicks: number;
}
const SAMPLE_MS = 200;

/**
 * Start-up and shut-down of a whole run: the CPU (s) before the first logged
 * request started, and after the last token of any request (the lifetime CPU
 * less the samples' count there; the last sample before it when the tool
 * exited between two samples).
 */
export function runPhases(
  samples: readonly Pick<Sample, 'at' | 'ticks'>[],
  records: readonly ClientRecord[],
  lifetimeCpuSec: number | undefined,
  ticksPerSec: number,
): { startupCpuSec?: number; shutdownCpuSec?: number } {
  let first = Infinity;
  let lastEnd = -Infinity;
  for (const r of records) {
    if (r.t < first) first = r.t;
    if (r.lastTokenMs !== undefined && r.t + r.lastTokenMs > lastEnd) lastEnd = r.t + r.lastTokenMs;
  }
  const out: { startupCpuSec?: number; shutdownCpuSec?: number } = {};
  const atFirst = ticksAt(samples as Sample[], first);
  if (atFirst !== undefined) out.startupCpuSec = atFirst / ticksPerSec;
  let atLast = ticksAt(samples as Sample[], lastEnd);
  if (atLast === undefined) for (const x of samples) if (x.at <= lastEnd) atLast = x.ticks;
  if (atLast !== undefined && lifetimeCpuSec !== undefined) out.shutdownCpuSec = Math.max(0, lifetimeCpuSec - atLast / ticksPerSec);
  return out;
}

/** Linear interpolation of a tick counter at `at` (ticks are 10 ms; samples 200 ms apart). */
function ticksAt(samples: Sample[], at: number, key: 'ticks' | 'mockTicks' = 'ticks'): number | undefined {
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (b.at >= at && a.at <= at) return a[key] + ((b[key] - a[key]) * (at - a.at)) / Math.max(1e-9, b.at - a.at);
  }
  return undefined;
}

/**
 * One tool, one load. The tool runs on its core while CPU and memory of its
 * process tree are sampled; afterwards its per-request log places the window
 * (settleSec after its own first request, so every tool is measured at the same
 * point of its load whatever its start-up time), and its requests are matched
 * by id to the mock's ground truth.
 */
export async function measureStreams(tool: LlmTool, run: StreamRun, mock: MockProcess, plan: WindowPlan, pinning: Pinning, core: number): Promise<StreamFigures> {
  mkdirSync(run.dir, { recursive: true });
  await mock.clearTruth();
  const failed = (note: string, wholeRun: WholeRun = { wallSec: 0, tokens: 0, cpuSec: undefined }): StreamFigures => ({
    label: tool.label,
    ok: false,
    note,
    windowSec: 0,
    tokens: 0,
    cpuSec: 0,
    cpuShare: 0,
    mockCpuShare: 0,
    peakMiB: 0,
    ttftErr: percentiles([]),
    itlErr: percentiles([]),
    recvLag: percentiles([]),
    logged: 0,
    matched: 0,
    run: wholeRun,
  });
  const launchedAt = epochNow();
  const child = startChild([...pinning.prefix(core), ...tool.command(run)], { dir: run.dir, name: tool.label.split(' ')[0]! });
  const samples: Sample[] = [];
  const sample = () => {
    const ticks = treeCpuTicks(child.pid);
    if (ticks !== undefined) samples.push({ at: epochNow(), ticks, peakKiB: treePeakKiB(child.pid), mockTicks: treeCpuTicks(mock.child.pid) ?? 0 });
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  const code = await within(child.exited, plan.maxRunSec * 1000);
  clearInterval(timer);
  const wallSec = (epochNow() - launchedAt) / 1000;
  if (code === undefined) await child.stop(1000);
  const truthList = await mock.truth();
  let truthTokens = 0;
  for (const g of truthList) truthTokens += g.outputTokens;
  const whole: WholeRun = { wallSec, tokens: truthTokens, cpuSec: code === undefined ? undefined : child.lifetimeCpuSec() };
  const records = tool.records(run);
  if (records.length === 0) return failed(`no requests logged (exit ${String(code ?? 'killed')}): ${tail(child.stderrPath)}`, whole);
  const truth = new Map(truthList.map((r) => [r.id, r]));

  let first = Infinity;
  for (const r of records) if (r.t < first) first = r.t;
  Object.assign(whole, runPhases(samples, records, whole.cpuSec, clockTicksPerSec()));
  const from = first + plan.settleSec * 1000;
  const to = from + plan.windowSec * 1000;
  writeFileSync(join(run.dir, 'ground-truth.json'), JSON.stringify(truthList));
  writeFileSync(join(run.dir, 'window.json'), JSON.stringify({ from, to, samples }));
  const ticksA = ticksAt(samples, from);
  const ticksB = ticksAt(samples, to);
  if (ticksA === undefined || ticksB === undefined) return failed(`the tool did not run through the window (exit ${String(code ?? 'killed')}): ${tail(child.stderrPath)}`, whole);
  // Peak memory up to the window's end (the drain after it only frees).
  let peakKiB = 0;
  for (const s of samples) if (s.at <= to + SAMPLE_MS && s.peakKiB > peakKiB) peakKiB = s.peakKiB;

  let tokens = 0;
  const ttft: number[] = [];
  const itl: number[] = [];
  const recv: number[] = [];
  let logged = 0;
  for (const r of records) {
    tokens += tokensIn(r, from, to);
    if (r.t < from || r.t > to) continue;
    logged++;
    const g = r.id === undefined ? undefined : truth.get(r.id);
    if (!g || g.firstTokenAt === undefined || r.ttftMs === undefined) continue;
    ttft.push(r.ttftMs - (g.firstTokenAt - g.receivedAt));
    recv.push(r.t + r.ttftMs - g.firstTokenAt);
    const n = r.chunks ?? 0;
    if (n > 1 && g.chunks > 1 && r.lastTokenMs !== undefined && g.lastTokenAt !== undefined) {
      itl.push(Math.abs((r.lastTokenMs - r.ttftMs) / (n - 1) - (g.lastTokenAt - g.firstTokenAt) / (g.chunks - 1)));
    }
  }
  const windowSec = (to - from) / 1000;
  const cpuSec = (ticksB - ticksA) / clockTicksPerSec();
  const mockTicks = (ticksAt(samples, to, 'mockTicks') ?? 0) - (ticksAt(samples, from, 'mockTicks') ?? 0);
  const figures: StreamFigures = {
    label: tool.label,
    ok: tokens > 0,
    windowSec,
    tokens,
    cpuSec,
    cpuShare: cpuSec / windowSec,
    mockCpuShare: mockTicks / clockTicksPerSec() / windowSec,
    peakMiB: peakKiB / 1024,
    ttftErr: percentiles(ttft),
    itlErr: percentiles(itl),
    recvLag: percentiles(recv),
    logged,
    matched: ttft.length,
    run: whole,
  };
  if (!figures.ok) figures.note = `no tokens logged in the window (exit ${String(code ?? 'killed')}): ${tail(child.stderrPath)}`;
  return figures;
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-3).join(' | ').slice(0, 300);
  } catch {
    return '';
  }
}

/** Memory check: many slow streams held open; how many the server saw in flight, and the tool's peak memory. */
export interface HoldFigures {
  label: string;
  /** Streams the mock had started (ground-truth records) when memory was read. */
  streams: number;
  peakMiB: number;
  cpuShare: number;
  note?: string;
}

export async function measureHold(tool: LlmTool, run: StreamRun, mock: MockProcess, holdSec: number, pinning: Pinning, core: number): Promise<HoldFigures> {
  mkdirSync(run.dir, { recursive: true });
  await mock.clearTruth();
  const child = startChild([...pinning.prefix(core), ...tool.command(run)], { dir: run.dir, name: tool.label.split(' ')[0]! });
  const t0 = epochNow();
  const ticks0 = treeCpuTicks(child.pid) ?? 0;
  await sleep(holdSec * 1000);
  const ticks1 = treeCpuTicks(child.pid);
  const cpuShare = ticks1 === undefined ? NaN : (ticks1 - ticks0) / clockTicksPerSec() / ((epochNow() - t0) / 1000);
  const peakMiB = treePeakKiB(child.pid) / 1024;
  const streams = (await mock.truth()).filter((r) => r.status === 200).length;
  const early = await within(child.exited, 0);
  await child.stop(1000);
  return { label: tool.label, streams, peakMiB, cpuShare, note: early !== undefined ? `exited early: ${tail(child.stderrPath)}` : undefined };
}
