import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { allProcesses, parseStat } from './cpu.js';

/**
 * Children and temp folders of this benchmark. Every child runs in its own
 * process group (detached), so one signal to the group takes out what it
 * forked too (nginx's worker, the esbuild service); on any exit of ours,
 * normal, error or signal, the groups are killed and the folders removed.
 */
const groups = new Set<number>();
const tempDirs = new Set<string>();
let hooked = false;

function signalGroups(sig: NodeJS.Signals): void {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, sig);
    } catch {
      groups.delete(pgid); // already gone
    }
  }
}

/** Synchronous (it also runs from 'exit'): TERM, up to a second for the children to clean up after themselves, then KILL. */
function cleanup(): void {
  signalGroups('SIGTERM');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 20 && groups.size > 0; i++) {
    Atomics.wait(pause, 0, 0, 50);
    for (const pgid of groups) {
      try {
        process.kill(-pgid, 0);
      } catch {
        groups.delete(pgid);
      }
    }
  }
  signalGroups('SIGKILL');
  groups.clear();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  tempDirs.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping children\n`);
      cleanup();
      process.exit(130);
    });
  }
}

/** A temp folder removed when the benchmark exits. */
export function tempDir(prefix: string): string {
  hook();
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(d);
  return d;
}

/** CPU pinning: `taskset -c N` when it exists and there are at least two cores. */
export interface Pinning {
  available: boolean;
  /** Why pinning is off, when it is. */
  reason?: string;
  prefix(core: number | undefined): string[];
}

export function detectPinning(): Pinning {
  const cores = availableParallelism();
  const hasTaskset = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status === 0;
  const reason = cores < 2 ? `only ${cores} core` : !hasTaskset ? 'taskset not found' : undefined;
  const available = reason === undefined;
  return { available, reason, prefix: (core) => (available && core !== undefined ? ['taskset', '-c', String(core)] : []) };
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** Resolves with the exit code (or the signal's name) once the child exits. */
  exited: Promise<number | string>;
  /** Where stdout and stderr went (files, so a chatty child never blocks on a full pipe). */
  stdoutPath: string;
  stderrPath: string;
  /** Whole-life CPU seconds of the child and all it waited for; set after exit. */
  lifetimeCpuSec(): number | undefined;
  /** SIGTERM the group, then SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<void>;
}

const SH_RUSAGE = '"$@"; rc=$?; cat /proc/$$/stat > "$VOLLEY_BENCH_STAT"; exit $rc';

/**
 * Spawns a command in its own process group. It runs under a small `sh` that,
 * once the command ends, writes its own /proc stat: the cutime/cstime there are
 * the CPU of the whole tree the command was (threads and reaped children
 * included), which /proc of the command itself no longer shows after exit.
 */
export function startChild(cmd: string[], opts: { dir: string; name: string; env?: NodeJS.ProcessEnv; cwd?: string }): Child {
  hook();
  const stdoutPath = join(opts.dir, `${opts.name}.out`);
  const stderrPath = join(opts.dir, `${opts.name}.err`);
  const statPath = join(opts.dir, `${opts.name}.stat`);
  const out = openSync(stdoutPath, 'w');
  const err = openSync(stderrPath, 'w');
  const proc = spawn('sh', ['-c', SH_RUSAGE, 'sh', ...cmd], {
    detached: true,
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env, VOLLEY_BENCH_STAT: statPath },
    stdio: ['ignore', out, err],
  });
  closeSync(out);
  closeSync(err);
  if (proc.pid === undefined) throw new Error(`could not start ${cmd[0]}`);
  const pid = proc.pid;
  groups.add(pid);
  const exited = new Promise<number | string>((resolve) => {
    proc.on('exit', (code, signal) => {
      groups.delete(pid);
      resolve(code ?? signal ?? 'unknown');
    });
    proc.on('error', () => {
      groups.delete(pid);
      resolve('spawn error');
    });
  });
  return {
    proc,
    pid,
    exited,
    stdoutPath,
    stderrPath,
    lifetimeCpuSec() {
      try {
        const s = parseStat(readFileSync(statPath, 'utf8'));
        return s ? s.childrenTicks / clockTicksPerSec() : undefined;
      } catch {
        return undefined;
      }
    },
    async stop(graceMs = 3000) {
      if (!groups.has(pid)) return;
      // TERM everything in the group but the sh, which then reaps its command
      // (an orphan would stay a zombie where pid 1 does not reap); KILL the lot after graceMs.
      for (const p of allProcesses()) {
        if (p.pgrp !== pid || p.pid === pid) continue;
        try {
          process.kill(p.pid, 'SIGTERM');
        } catch {
          // gone
        }
      }
      const t = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone
        }
      }, graceMs);
      await exited;
      clearTimeout(t);
    },
  };
}

let ticks: number | undefined;
/** USER_HZ, the unit of /proc CPU times (100 on every common Linux). */
export function clockTicksPerSec(): number {
  if (ticks === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number(r.stdout?.trim());
    ticks = Number.isFinite(n) && n > 0 ? n : 100;
  }
  return ticks;
}

/** Waits for a promise, or gives up after ms and returns undefined. */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Rebuilds dist/ (what bin/bench.js runs), so the figures are those of src/ as
 * it is now; exits when the build fails.
 */
export function buildDist(root: string): void {
  process.stderr.write('building dist/ …\n');
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) {
    console.error('bench: the build failed; fix it or pass --no-build to use dist/ as it is');
    process.exit(1);
  }
}
