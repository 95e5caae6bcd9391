import { describe, expect, it } from 'vitest';
import { apportion, classCounts, splitEvenly, userSequence, workerShares } from '../../../src/engine/plan.js';
import type { UserClassInfo } from '../../../src/pool/protocol.js';

const cls = (name: string, weight = 1, fixedCount?: number, taskCount = 1): UserClassInfo => ({ name, weight, fixedCount, taskCount });
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const tally = (names: string[]) => names.reduce<Record<string, number>>((acc, n) => ((acc[n] = (acc[n] ?? 0) + 1), acc), {});

describe('splitEvenly', () => {
  it.each([
    [10, 4, [3, 3, 2, 2]],
    [8, 2, [4, 4]],
    [3, 5, [1, 1, 1, 0, 0]],
    [0, 3, [0, 0, 0]],
    [7, 1, [7]],
  ])('%d over %d is %j', (total, parts, shares) => {
    expect(splitEvenly(total, parts)).toEqual(shares);
  });

  it('adds up to the total, with shares at most one apart', () => {
    for (let total = 0; total < 60; total++) {
      for (let parts = 1; parts < 9; parts++) {
        const s = splitEvenly(total, parts);
        expect(sum(s)).toBe(total);
        expect(Math.max(...s) - Math.min(...s)).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('apportion', () => {
  it.each([
    [8, [3, 1], [6, 2]],
    [4, [3, 1], [3, 1]],
    [10, [1, 1, 1], [4, 3, 3]],
    [5, [1, 2, 2], [1, 2, 2]],
    [1, [1, 1], [1, 0]],
    [0, [3, 1], [0, 0]],
    [5, [0, 0], [0, 0]],
  ])('%d by weights %j is %j', (total, weights, shares) => {
    expect(apportion(total, weights)).toEqual(shares);
  });

  it('gives the rest to the largest remainders and always adds up to the total', () => {
    expect(apportion(7, [1, 2, 4])).toEqual([1, 2, 4]);
    expect(apportion(10, [1, 2, 4])).toEqual([1, 3, 6]);
    for (let total = 1; total < 40; total++) expect(sum(apportion(total, [5, 3, 0.5, 1.5]))).toBe(total);
  });
});

describe('classCounts', () => {
  it('shares users by weight', () => {
    expect(classCounts([cls('A', 3), cls('B', 1)], 8)).toEqual({ A: 6, B: 2 });
  });

  it('pins classes with fixedCount and shares the rest by weight', () => {
    expect(classCounts([cls('A', 3), cls('B', 1), cls('Admin', 1, 1)], 9)).toEqual({ Admin: 1, A: 6, B: 2 });
  });

  it('never gives fixed classes more users than the total', () => {
    expect(classCounts([cls('A', 1), cls('Admin', 1, 2)], 1)).toEqual({ Admin: 1, A: 0 });
    expect(classCounts([cls('X', 1, 3), cls('Y', 1, 3)], 4)).toEqual({ X: 3, Y: 1 });
  });
});

describe('userSequence', () => {
  it('holds each class exactly its count', () => {
    const counts = { A: 6, B: 2, C: 3 };
    expect(tally(userSequence(counts))).toEqual(counts);
  });

  it('interleaves the classes so every prefix keeps the mix (a partial ramp-up stays representative)', () => {
    const counts = { A: 6, B: 2, C: 3 };
    const total = 11;
    const seq = userSequence(counts);
    for (let n = 1; n <= total; n++) {
      const got = tally(seq.slice(0, n));
      for (const [name, c] of Object.entries(counts)) expect(Math.abs((got[name] ?? 0) - (c * n) / total)).toBeLessThan(1);
    }
  });

  it('alternates two classes of equal weight', () => {
    expect(userSequence({ A: 2, B: 2 })).toEqual(['A', 'B', 'A', 'B']);
  });

  it('skips classes with no users', () => {
    expect(userSequence({ A: 0, B: 2 })).toEqual(['B', 'B']);
  });
});

describe('workerShares', () => {
  it('deals the running users round-robin over the workers, keeping the overall mix', () => {
    const seq = userSequence({ A: 6, B: 2 });
    const shares = workerShares(seq, 8, 2);
    expect(shares.map((s) => sum(Object.values(s)))).toEqual([4, 4]);
    expect({ A: shares[0]!.A! + shares[1]!.A!, B: shares[0]!.B! + shares[1]!.B! }).toEqual({ A: 6, B: 2 });
  });

  it('lists every class for every worker, with 0 where it runs none yet', () => {
    const seq = userSequence({ A: 2, B: 1 });
    expect(workerShares(seq, 1, 3)).toEqual([
      { A: 1, B: 0 },
      { A: 0, B: 0 },
      { A: 0, B: 0 },
    ]);
  });

  it('grows one user at a time during a ramp-up', () => {
    const seq = userSequence({ A: 3, B: 1 });
    const totals = [0, 1, 2, 3, 4].map((n) => sum(workerShares(seq, n, 2).flatMap((s) => Object.values(s))));
    expect(totals).toEqual([0, 1, 2, 3, 4]);
    expect(workerShares(seq, 10, 2)).toEqual(workerShares(seq, 4, 2));
  });
});

