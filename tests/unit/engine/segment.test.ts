import { describe, expect, it } from 'vitest';
import { splitEvenly } from '../../../src/engine/plan.js';
import {
  ownsArrival,
  ownsUser,
  partitionProblems,
  segmentShare,
  segmentUserIndices,
  usersRunningNow,
} from '../../../src/engine/segment.js';
import { parseSegment } from '../../../src/config/segment.js';

const equal = (n: number) => Array.from({ length: n }, (_, i) => parseSegment(`${i + 1}/${n}`));

describe('parseSegment', () => {
  it('reads i/N as the i-th of N equal ranges', () => {
    const s = parseSegment('2/4');
    expect(s).toMatchObject({ index: 2, count: 4, from: { num: 1, den: 4 }, to: { num: 1, den: 2 } });
  });

  it('reads k6 ranges, with fractions, decimals, 0 and 1', () => {
    expect(parseSegment('1/4:1/2')).toMatchObject({ from: { num: 1, den: 4 }, to: { num: 1, den: 2 } });
    expect(parseSegment('0:0.25')).toMatchObject({ from: { num: 0, den: 1 }, to: { num: 1, den: 4 } });
    expect(parseSegment('2/3:1')).toMatchObject({ from: { num: 2, den: 3 }, to: { num: 1, den: 1 } });
  });

  it.each([
    ['0/4', /numbered from 1 to 4.*JOB_COMPLETION_INDEX \+ 1/],
    ['5/4', /segment 5 does not exist: there are 4/],
    ['1/0', /N must be at least 1/],
    ['1/2:1/4', /start 1\/2 must be below the end 1\/4/],
    ['0:3/2', /end 3\/2 is past 1/],
    ['1/x', /expected i\/N/],
    ['1/4:1/2:1', /one colon/],
    ['0:1/0', /divides by zero/],
  ])('refuses %s with a clear message', (text, msg) => {
    expect(() => parseSegment(text)).toThrow(msg);
  });
});

describe('segmentShare', () => {
  it('matches splitEvenly for i/N: 10 users over 4 segments are 3/3/2/2', () => {
    expect(equal(4).map((s) => segmentShare(10, s))).toEqual([3, 3, 2, 2]);
    for (const total of [0, 1, 7, 10, 99, 1000, 12345]) {
      for (const n of [1, 2, 3, 4, 7, 8, 16]) expect(equal(n).map((s) => segmentShare(total, s))).toEqual(splitEvenly(total, n));
    }
  });

  it('tiles exactly for any partition into ranges (k6 rounding)', () => {
    const cuts = ['0', '1/7', '1/4', '1/3', '1/2', '3/5', '2/3', '0.9', '1'];
    const parts = cuts.slice(1).map((to, i) => parseSegment(`${cuts[i]}:${to}`));
    for (const total of [0, 1, 2, 3, 10, 11, 97, 1000, 99_991]) {
      const shares = parts.map((s) => segmentShare(total, s));
      expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      shares.forEach((n, i) => expect(Math.abs(n - total * (parts[i]!.to.num / parts[i]!.to.den - parts[i]!.from.num / parts[i]!.from.den))).toBeLessThanOrEqual(1));
    }
  });

  it('gives the whole total without a segment', () => {
    expect(segmentShare(10, undefined)).toBe(10);
  });
});

describe('users of the plan sequence', () => {
  it('i/N owns user j when j mod N = i - 1, as workers do', () => {
    expect(segmentUserIndices(10, parseSegment('2/4'))).toEqual([1, 5, 9]);
  });

  it('every user belongs to exactly one segment of a partition, in both forms', () => {
    const partitions = [equal(4), equal(3), ['0:1/3', '1/3:1/2', '1/2:0.9', '0.9:1'].map(parseSegment)];
    for (const segs of partitions) {
      for (const total of [1, 10, 33, 200]) {
        for (let j = 0; j < total; j++) expect(segs.filter((s) => ownsUser(j, total, s)).length).toBe(1);
        for (const s of segs) expect(segmentUserIndices(total, s).length).toBe(segmentShare(total, s));
      }
    }
  });

  it('a range takes users spread along the sequence, so a ramp grows every segment', () => {
    const seg = parseSegment('1/2:1');
    const owned = segmentUserIndices(100, seg);
    expect(usersRunningNow(owned, 10)).toBeGreaterThanOrEqual(4);
    expect(usersRunningNow(owned, 10)).toBeLessThanOrEqual(6);
    expect(usersRunningNow(owned, 100)).toBe(50);
    expect(usersRunningNow(owned, 0)).toBe(0);
  });
});

describe('arrival rates', () => {
  it('deals every arrival of the plan to exactly one segment, interleaved', () => {
    const partitions = [equal(4), ['0:1/3', '1/3:1/2', '1/2:1'].map(parseSegment)];
    for (const segs of partitions) {
      const owner = Array.from({ length: 2000 }, (_, k) => segs.filter((s) => ownsArrival(k, s)));
      expect(owner.every((o) => o.length === 1)).toBe(true);
    }
    expect([0, 1, 2, 3, 4, 5, 6, 7].filter((k) => ownsArrival(k, parseSegment('2/4')))).toEqual([1, 5]);
    // A third of the arrivals, spread: never more than a few in a row elsewhere.
    const third = parseSegment('0:1/3');
    const mine = Array.from({ length: 3000 }, (_, k) => ownsArrival(k, third)).filter(Boolean).length;
    expect(Math.abs(mine - 1000)).toBeLessThanOrEqual(5);
  });
});

describe('partitionProblems', () => {
  it('accepts a whole partition and names gaps and overlaps', () => {
    expect(partitionProblems(equal(4))).toEqual([]);
    expect(partitionProblems([parseSegment('1/4'), parseSegment('3/4'), parseSegment('4/4')])).toEqual(['nothing covers 1/4:1/2']);
    expect(partitionProblems([parseSegment('0:1/2'), parseSegment('1/4:1')])[0]).toMatch(/overlaps/);
    expect(partitionProblems([parseSegment('1/2')])).toEqual(['nothing covers 1/2:1']);
  });
});
