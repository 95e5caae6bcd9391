import { describe, expect, it } from 'vitest';
import { nextRampChangeMs, rampDurationMs, rampUsersAt, rampValueAt } from '../../../src/engine/schedule/ramp.js';

const stages = [
  { durationMs: 10_000, target: 100 }, // 0 → 100
  { durationMs: 20_000, target: 100 }, // hold
  { durationMs: 10_000, target: 0 }, //   100 → 0
];

describe('stage interpolation', () => {
  it('moves linearly from 0 through each target', () => {
    expect(rampDurationMs(stages)).toBe(40_000);
    expect(rampValueAt(stages, 0)).toBe(0);
    expect(rampValueAt(stages, 5_000)).toBe(50);
    expect(rampValueAt(stages, 10_000)).toBe(100);
    expect(rampValueAt(stages, 25_000)).toBe(100);
    expect(rampValueAt(stages, 35_000)).toBe(50);
    expect(rampValueAt(stages, 40_000)).toBe(0);
    expect(rampValueAt(stages, 99_000)).toBe(0);
  });

  it('starts from a given value, and a 0s stage jumps', () => {
    expect(rampValueAt([{ durationMs: 1000, target: 20 }], 500, 10)).toBe(15);
    const jump = [{ durationMs: 0, target: 50 }, { durationMs: 1000, target: 50 }];
    expect(rampValueAt(jump, 0)).toBe(50);
    expect(rampUsersAt(jump, 0)).toBe(50);
  });

  it('rounds users up: the first starts as the ramp leaves 0, the last stops when it reaches 0', () => {
    expect(rampUsersAt(stages, 0)).toBe(0);
    expect(rampUsersAt(stages, 1)).toBe(1);
    expect(rampUsersAt(stages, 100)).toBe(1);
    expect(rampUsersAt(stages, 101)).toBe(2);
    expect(rampUsersAt(stages, 9_999)).toBe(100);
    expect(rampUsersAt(stages, 39_999)).toBe(1);
    expect(rampUsersAt(stages, 40_000)).toBe(0);
  });

  it('never goes below 0 users', () => {
    expect(rampUsersAt([{ durationMs: 1000, target: 0 }], 500, 0)).toBe(0);
  });
});

describe('next change of a ramp', () => {
  it('finds when the rounded users change, going up and down', () => {
    // 100 users over 10 s: one more every 100 ms.
    expect(nextRampChangeMs(stages, 0)).toBe(0);
    expect(nextRampChangeMs(stages, 150)).toBeCloseTo(200, 6);
    expect(rampUsersAt(stages, 200.5)).toBe(rampUsersAt(stages, 150) + 1);
    // Hold: nothing changes until the ramp down starts.
    expect(nextRampChangeMs(stages, 12_000)).toBeCloseTo(30_100, 6);
    expect(rampUsersAt(stages, 30_100)).toBe(99);
    expect(rampUsersAt(stages, 30_099)).toBe(100);
    expect(nextRampChangeMs(stages, 45_000)).toBe(Infinity);
  });

  it('visits every user count of a ramp exactly once, stepping from change to change', () => {
    const small = [{ durationMs: 1000, target: 7 }, { durationMs: 1000, target: 0 }];
    const seen: number[] = [];
    let t = 0;
    let last = -1;
    while (t < 2000) {
      const u = rampUsersAt(small, t);
      if (u !== last) seen.push((last = u));
      t = Math.min(2000, nextRampChangeMs(small, t) + 1e-6);
    }
    seen.push(rampUsersAt(small, 2000));
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1, 0]);
  });
});
