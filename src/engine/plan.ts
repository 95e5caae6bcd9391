import type { UserClassInfo } from '../pool/protocol.js';

/**
 * Splits `total` into `parts` shares that differ by at most one and add up to
 * `total` exactly (10 over 4 → 3,3,2,2). The same rule spreads users, arrivals
 * and iterations over workers, and over machines with --segment.
 */
export function splitEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const rest = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < rest ? 1 : 0));
}

/** Largest-remainder apportionment of `total` by weights; ties go to the earlier entry. */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (w / sum) * total);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i]!++;
    left--;
  }
  return out;
}

/**
 * Users of each class for a total: classes with fixedCount get exactly that
 * (Locust's fixed_count), the rest share what remains by weight.
 */
export function classCounts(classes: UserClassInfo[], total: number): Record<string, number> {
  const counts: Record<string, number> = {};
  let fixed = 0;
  for (const c of classes) if (c.fixedCount !== undefined) {
    counts[c.name] = Math.min(c.fixedCount, Math.max(0, total - fixed));
    fixed += counts[c.name]!;
  }
  const weighted = classes.filter((c) => c.fixedCount === undefined);
  const shares = apportion(Math.max(0, total - fixed), weighted.map((c) => c.weight));
  weighted.forEach((c, i) => (counts[c.name] = shares[i]!));
  return counts;
}

/**
 * The order in which users start: classes interleaved by smooth weighted round
 * robin, so a partial ramp keeps the class mix (A,A,B,A,A,B… for 2:1).
 */
export function userSequence(counts: Record<string, number>): string[] {
  const names = Object.keys(counts).filter((n) => counts[n]! > 0);
  const total = names.reduce((a, n) => a + counts[n]!, 0);
  const current = new Map(names.map((n) => [n, 0]));
  const left = new Map(names.map((n) => [n, counts[n]!]));
  const seq: string[] = [];
  for (let k = 0; k < total; k++) {
    let best: string | undefined;
    for (const n of names) {
      if (left.get(n)! <= 0) continue;
      current.set(n, current.get(n)! + counts[n]!);
      if (best === undefined || current.get(n)! > current.get(best)!) best = n;
    }
    current.set(best!, current.get(best!)! - total);
    left.set(best!, left.get(best!)! - 1);
    seq.push(best!);
  }
  return seq;
}

/** Per-worker class counts when the first `running` users of the sequence run; user i goes to worker i mod W. */
export function workerShares(seq: string[], running: number, workers: number): Array<Record<string, number>> {
  const out: Array<Record<string, number>> = Array.from({ length: workers }, () => ({}));
  const names = new Set(seq);
  for (const o of out) for (const n of names) o[n] = 0;
  for (let i = 0; i < Math.min(running, seq.length); i++) out[i % workers]![seq[i]!]!++;
  return out;
}

