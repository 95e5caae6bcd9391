import { readdirSync, readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat this benchmark uses, in clock ticks. */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** Process group id. */
  pgrp: number;
  /** utime + stime: the process itself, all its threads. */
  ownTicks: number;
  /** cutime + cstime: children it has waited for. */
  childrenTicks: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so fields are counted from the last ')'. */
export function parseStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close === -1) return undefined;
  const pid = Number(text.slice(0, text.indexOf(' ')));
  // After ") ": state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17).
  const f = text.slice(close + 2).trim().split(' ');
  const num = (field: number) => Number(f[field - 3]);
  return { pid, ppid: num(4), pgrp: num(5), ownTicks: num(14) + num(15), childrenTicks: num(16) + num(17) };
}

export function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // exited between listing and reading
  }
}

/**
 * CPU ticks used so far by a process tree: every live descendant's own time
 * plus what each has reaped. Read at the two ends of a window, the difference
 * is the tree's CPU in that window (worker threads are inside their process).
 */
export function treeCpuTicks(rootPid: number): number | undefined {
  const root = readStat(rootPid);
  if (!root) return undefined;
  const byParent = new Map<number, ProcStat[]>();
  for (const s of allProcesses()) {
    let list = byParent.get(s.ppid);
    if (!list) byParent.set(s.ppid, (list = []));
    list.push(s);
  }
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const s = stack.pop()!;
    total += s.ownTicks + s.childrenTicks;
    const kids = byParent.get(s.pid);
    if (kids) stack.push(...kids);
  }
  return total;
}

/** Every process /proc lists right now (none where there is no /proc). */
export function allProcesses(): ProcStat[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** Busy and total ticks of the whole machine, from the first line of /proc/stat. */
export function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal [guest guest_nice, already in user]
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - f[3]! - f[4]!, total };
  } catch {
    return undefined;
  }
}
