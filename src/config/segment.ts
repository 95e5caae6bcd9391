import { UserError } from '../errors.js';

// The `--segment` parser and the Segment type. The share arithmetic that runs a
// segment is the engine's (src/engine/segment.ts).

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

/** Orders two fractions: negative, zero or positive. */
export function compare(a: Fraction, b: Fraction): number {
  return a.num * b.den - b.num * a.den;
}

export const fmt = (f: Fraction): string => (f.den === 1 ? String(f.num) : `${f.num}/${f.den}`);
