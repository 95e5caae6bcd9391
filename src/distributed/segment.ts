import { UserError } from '../errors.js';

/**
 * An execution segment: the share [from, to) of the whole plan that one
 * instance runs (k6's idea). Fractions are kept as integers so shares never
 * drift with floating-point rounding.
 *
 * Two spellings, two rules (docs/distributed.md):
 * - `i/N`: the i-th of N equal segments, numbered from 1. Shares follow
 *   `splitEvenly`, the rule that spreads users over worker threads: user j of
 *   the plan's user sequence goes to segment (j mod N) + 1, so 10 users over
 *   4 segments are 3/3/2/2 and the class mix is kept in every segment.
 * - `a/b:c/d`: any fraction range, as k6 writes it. Shares are
 *   round(total × to) − round(total × from) (halves round up), so adjacent
 *   ranges tile the plan exactly whatever their sizes.
 * Write every segment of one partition the same way: the two rules agree on
 * totals but not always on which segment gets the odd user.
 */
export interface Segment {
  /** The text as given, e.g. '2/4' or '1/4:1/2'. */
  text: string;
  from: Fraction;
  to: Fraction;
  /** Set for the `i/N` form: the 1-based index and the number of segments. */
  index?: number;
  count?: number;
}

/** A non-negative fraction num/den in lowest terms; den > 0. */
export interface Fraction {
  num: number;
  den: number;
}

const HINT = 'write --segment i/N (the i-th of N equal parts, from 1), e.g. 2/4, or a range from:to such as 1/4:1/2';

/**
 * Parses `--segment`. Throws a UserError that quotes the text and says what
 * was expected.
 *
 * @example
 * parseSegment('2/4');      // the second quarter: [1/4, 2/4)
 * parseSegment('1/4:1/2');  // the same range written as k6 does
 */
export function parseSegment(text: string): Segment {
  const s = text.trim();
  const bad = (why: string): never => {
    throw new UserError(`--segment "${text}": ${why}`, HINT, 'E_SEGMENT');
  };
  if (s.includes(':')) {
    const parts = s.split(':');
    if (parts.length !== 2) bad('expected one colon between the start and the end of the range');
    const from = parseFraction(parts[0]!, 'start', bad);
    const to = parseFraction(parts[1]!, 'end', bad);
    if (compare(from, to) >= 0) bad(`the start ${fmt(from)} must be below the end ${fmt(to)}`);
    if (compare(to, { num: 1, den: 1 }) > 0) bad(`the end ${fmt(to)} is past 1 (the whole plan)`);
    return { text: s, from, to };
  }
  const m = /^(\d+)\s*\/\s*(\d+)$/.exec(s);
  if (!m) return bad('expected i/N such as 2/4, or a range such as 1/4:1/2');
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) bad('the number of segments N must be at least 1');
  if (index < 1) bad(`segments are numbered from 1 to ${count}; in an Indexed Job use $((JOB_COMPLETION_INDEX + 1))/${count}`);
  if (index > count) bad(`segment ${index} does not exist: there are ${count}, numbered 1 to ${count}`);
  if (!Number.isSafeInteger(count) || count > 1_000_000) bad('at most 1,000,000 segments');
  return { text: `${index}/${count}`, from: reduce(index - 1, count), to: reduce(index, count), index, count };
}

function parseFraction(text: string, what: string, bad: (why: string) => never): Fraction {
  const t = text.trim();
  if (t === '0') return { num: 0, den: 1 };
  if (t === '1') return { num: 1, den: 1 };
  const m = /^(\d+)\s*\/\s*(\d+)$/.exec(t);
  if (m) {
    const num = Number(m[1]);
    const den = Number(m[2]);
    if (den === 0) bad(`the ${what} ${t} divides by zero`);
    if (den > 1_000_000) bad(`the ${what} ${t}: denominators up to 1,000,000`);
    return reduce(num, den);
  }
  // Decimals (0.25) are accepted as k6 does; converted exactly to a fraction.
  const d = /^(0|1)?\.(\d{1,6})$/.exec(t);
  if (d) {
    const den = 10 ** d[2]!.length;
    return reduce(Number(d[1] ?? 0) * den + Number(d[2]), den);
  }
  return bad(`the ${what} "${t}" is not a fraction like 1/4, 0.25, 0 or 1`);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function reduce(num: number, den: number): Fraction {
  const g = gcd(num, den) || 1;
  return { num: num / g, den: den / g };
}

function compare(a: Fraction, b: Fraction): number {
  return a.num * b.den - b.num * a.den;
}

const fmt = (f: Fraction): string => (f.den === 1 ? String(f.num) : `${f.num}/${f.den}`);

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
