// The share arithmetic of an execution segment: which users, iterations and
// arrivals of the whole plan one instance runs. The parser is config/segment.ts.
import { compare, fmt, type Fraction, type Segment } from '../config/segment.js';

/** round(total × f) with halves rounded up, in exact integer arithmetic. */
function roundShare(total: number, f: Fraction): number {
  const t = BigInt(total);
  return Number((2n * t * BigInt(f.num) + BigInt(f.den)) / (2n * BigInt(f.den)));
}

/**
 * How many of `total` (users, iterations, requests of a stage…) the segment
 * runs. The shares of all segments of a partition add up to `total` exactly.
 *
 * @example
 * [1, 2, 3, 4].map((i) => segmentShare(10, parseSegment(`${i}/4`))); // [3, 3, 2, 2]
 */
export function segmentShare(total: number, seg: Segment | undefined): number {
  if (!seg) return total;
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`segmentShare: total must be a whole number >= 0, got ${total}`);
  if (seg.count !== undefined) {
    const base = Math.floor(total / seg.count);
    return base + (seg.index! - 1 < total - base * seg.count ? 1 : 0);
  }
  return roundShare(total, seg.to) - roundShare(total, seg.from);
}

/** The fraction of the whole plan the segment runs (its share of a rate); 1 without a segment. */
export function segmentFraction(seg: Segment | undefined): number {
  return seg ? seg.to.num / seg.to.den - seg.from.num / seg.from.den : 1;
}

/**
 * Whether the segment runs user `j` (0-based) of the whole plan's user
 * sequence of `total` users (`userSequence` in src/engine/plan.ts). Every
 * index belongs to exactly one segment of a partition, and a segment owns
 * exactly `segmentShare(total, seg)` of them.
 */
export function ownsUser(j: number, total: number, seg: Segment | undefined): boolean {
  if (!seg) return true;
  if (seg.count !== undefined) return j % seg.count === seg.index! - 1;
  const r = spreadRank(total)[j]!;
  return r >= roundShare(total, seg.from) && r < roundShare(total, seg.to);
}

/**
 * The indices (ascending) of the plan's user sequence of `total` users that
 * the segment runs. Filtering the sequence with them keeps the class mix,
 * and `fixedCount` classes stay exact across the fleet.
 */
export function segmentUserIndices(total: number, seg: Segment | undefined): number[] {
  const out: number[] = [];
  for (let j = 0; j < total; j++) if (ownsUser(j, total, seg)) out.push(j);
  return out;
}

/**
 * How many of the segment's users run while the whole plan runs `running`
 * users (during a ramp): the owned indices below `running`.
 */
export function usersRunningNow(owned: readonly number[], running: number): number {
  let lo = 0;
  let hi = owned.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (owned[mid]! < running) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const rankCache = new Map<number, Int32Array>();

/**
 * For ranges: the rank of each user index when the indices are ordered by
 * their van der Corput value, a low-discrepancy order. A range takes the
 * ranks [round(total × from), round(total × to)), so its users are spread
 * along the sequence (a ramp grows every segment at once) and the class mix
 * is kept, not a contiguous block of it.
 */
function spreadRank(total: number): Int32Array {
  let ranks = rankCache.get(total);
  if (ranks) return ranks;
  const vdc = Float64Array.from({ length: total }, (_, j) => vanDerCorput(j));
  const order = Array.from({ length: total }, (_, j) => j).sort((a, b) => vdc[a]! - vdc[b]!);
  ranks = new Int32Array(total);
  order.forEach((j, r) => (ranks![j] = r));
  if (rankCache.size > 16) rankCache.clear();
  rankCache.set(total, ranks);
  return ranks;
}

function vanDerCorput(n: number): number {
  let v = 0;
  let denom = 1;
  while (n > 0) {
    denom *= 2;
    v += (n % 2) / denom;
    n = Math.floor(n / 2);
  }
  return v;
}

/** Arrivals are dealt to ranges in blocks of this many (lcm of 1…16): exact for every denominator up to 16. */
const ARRIVAL_BLOCK = 720_720;

/**
 * Whether the segment makes arrival `k` (0-based) of the whole plan's arrival
 * schedule: every instance computes the same schedule (constant or ramping
 * rate) and keeps its own arrivals, so the fleet's arrivals are exactly the
 * plan's, interleaved in time. `i/N` keeps k mod N = i − 1; a range keeps its
 * share of every block of 720,720 arrivals, spread through the block.
 */
export function ownsArrival(k: number, seg: Segment | undefined): boolean {
  if (!seg) return true;
  if (seg.count !== undefined) return k % seg.count === seg.index! - 1;
  return ownsUser(k % ARRIVAL_BLOCK, ARRIVAL_BLOCK, seg);
}

/**
 * Checks that the segments of a merge tile the plan: no overlap, no gap.
 * Returns one line per problem (empty when the partition is whole).
 */
export function partitionProblems(segments: readonly Segment[]): string[] {
  const sorted = [...segments].sort((a, b) => compare(a.from, b.from));
  const problems: string[] = [];
  let at: Fraction = { num: 0, den: 1 };
  for (const s of sorted) {
    const c = compare(s.from, at);
    if (c > 0) problems.push(`nothing covers ${fmt(at)}:${fmt(s.from)}`);
    else if (c < 0) problems.push(`segment ${s.text} overlaps the one before it (which ends at ${fmt(at)})`);
    if (compare(s.to, at) > 0) at = s.to;
  }
  if (compare(at, { num: 1, den: 1 }) < 0) problems.push(`nothing covers ${fmt(at)}:1`);
  return problems;
}
