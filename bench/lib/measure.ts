import { readFileSync } from 'node:fs';
import { machineTicks, treeCpuTicks } from './cpu.js';
import type { Generator, GeneratorContext, ToolReport } from './generators.js';
import { clockTicksPerSec, sleep, startChild, tempDir, within, type Pinning } from './procs.js';
import type { Target } from './target.js';

export interface MeasureOptions {
  root: string;
  connections: number;
  durationSec: number;
  /** Skipped after the load starts (connections opening, users spawning, JIT warm-up). */
  warmupMs: number;
  /** Left out before the tool's planned end (its shutdown). */
  cooldownMs: number;
  pinning: Pinning;
}

/**
 * One generator's run. The headline figures come from a steady window inside
 * the run: requests counted by the target, CPU read from /proc for the
 * generator's whole process tree, both sampled at the window's two ends. The
 * same counter and the tool's lifetime CPU give the whole-run figures.
 */
export interface Measurement {
  label: string;
  pinned: string;
  ok: boolean;
  note?: string;
  windowSec: number;
  windowRequests: number;
  /** CPU seconds of the generator's process tree in the window. */
  windowCpuSec?: number;
  /** Cores' worth of CPU the target used in the window (1.0 = its core was saturated). */
  targetCores?: number;
  /** Cores busy with anything else in the window (other processes, this script): noise if well above 0. */
  otherCores?: number;
  lifetimeRequests: number;
  lifetimeCpuSec?: number;
  tool: ToolReport;
}

interface Sample {
  atMs: number;
  served: number;
  genTicks?: number;
  targetTicks?: number;
  machineBusyTicks?: number;
}

async function sample(target: Target, genPid: number): Promise<Sample> {
  const t0 = performance.now();
  const served = await target.requestsServed();
  const genTicks = treeCpuTicks(genPid);
  const targetTicks = treeCpuTicks(target.pid);
  const machineBusyTicks = machineTicks()?.busy;
  return { atMs: (t0 + performance.now()) / 2, served, genTicks, targetTicks, machineBusyTicks };
}

function tail(path: string, lines = 6): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export async function measure(gen: Generator, target: Target, o: MeasureOptions): Promise<Measurement> {
  const dir = tempDir('volley-bench-run-');
  const ctx: GeneratorContext = { url: target.url, connections: o.connections, durationSec: o.durationSec, dir, root: o.root };
  const pinned = o.pinning.available && gen.core !== undefined ? `core ${gen.core}` : 'unpinned';
  const result: Measurement = { label: gen.label, pinned, ok: false, windowSec: 0, windowRequests: 0, lifetimeRequests: 0, tool: {} };
  const hz = clockTicksPerSec();

  const served0 = await target.requestsServed();
  const child = startChild([...o.pinning.prefix(gen.core), ...gen.command(ctx)], { dir, name: 'generator', env: gen.env, cwd: o.root });
  const hardDeadline = Date.now() + o.durationSec * 1000 + 60_000;
  try {
    // The load has started once the target has served more than a handful of
    // requests (Volley's one-off reachability check must not count).
    const threshold = served0 + Math.max(100, o.connections * 2);
    let loadStartMs: number | undefined;
    const startDeadline = Date.now() + 30_000;
    while (loadStartMs === undefined && Date.now() < startDeadline && child.proc.exitCode === null) {
      if ((await target.requestsServed()) > threshold) loadStartMs = performance.now();
      else await sleep(50);
    }
    if (loadStartMs === undefined) {
      result.note = child.proc.exitCode !== null ? `exited (${child.proc.exitCode}) before sending load: ${tail(child.stderrPath, 3)}` : 'sent no load within 30 s';
      return result;
    }
    await sleep(loadStartMs + o.warmupMs - performance.now());
    const a = await sample(target, child.pid);
    await sleep(loadStartMs + o.durationSec * 1000 - o.cooldownMs - performance.now());
    if (child.proc.exitCode !== null) {
      result.note = `ended before the window closed (exit ${child.proc.exitCode})`;
      return result;
    }
    const b = await sample(target, child.pid);
    result.windowSec = (b.atMs - a.atMs) / 1000;
    result.windowRequests = b.served - a.served;
    if (a.genTicks !== undefined && b.genTicks !== undefined) result.windowCpuSec = (b.genTicks - a.genTicks) / hz;
    if (a.targetTicks !== undefined && b.targetTicks !== undefined) result.targetCores = (b.targetTicks - a.targetTicks) / hz / result.windowSec;
    if (a.machineBusyTicks !== undefined && b.machineBusyTicks !== undefined && result.windowCpuSec !== undefined && result.targetCores !== undefined) {
      result.otherCores = (b.machineBusyTicks - a.machineBusyTicks) / hz / result.windowSec - result.windowCpuSec / result.windowSec - result.targetCores;
    }

    const code = await within(child.exited, Math.max(0, hardDeadline - Date.now()));
    if (code === undefined) {
      await child.stop();
      result.note = 'did not exit in time; killed';
      return result;
    }
    result.lifetimeRequests = (await target.requestsServed()) - served0;
    result.lifetimeCpuSec = child.lifetimeCpuSec();
    try {
      result.tool = gen.report(ctx, child.stdoutPath);
    } catch (err) {
      result.note = `could not read its report: ${(err as Error).message}`;
    }
    if (code !== 0) result.note = `exit ${code}${result.tool.failures ? '' : `: ${tail(child.stderrPath, 3)}`}`;
    result.ok = true;
    return result;
  } finally {
    await child.stop();
  }
}
