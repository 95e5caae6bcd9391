import { describe, expect, it } from 'vitest';
import { between, constant, constantPacing, constantThroughput, type WaitContext } from '../../../src/api/wait.js';
import type { PacedWait } from '../../../src/api/wait.js';

const ctx = (random: number, lastTaskSeconds = 0): WaitContext => ({ random: () => random, lastTaskSeconds });

describe('wait-time helpers', () => {
  it('between(min, max) stays within [min, max)', () => {
    const w = between(0.5, 2);
    expect(w.call(undefined, ctx(0))).toBe(0.5);
    expect(w.call(undefined, ctx(0.5))).toBe(1.25);
    expect(w.call(undefined, ctx(0.999999))).toBeLessThan(2);
    for (let i = 0; i < 1000; i++) {
      const s = w.call(undefined, { random: Math.random, lastTaskSeconds: 0 });
      expect(s).toBeGreaterThanOrEqual(0.5);
      expect(s).toBeLessThan(2);
    }
  });

  it('between(x, x) is constant', () => {
    expect(between(1, 1).call(undefined, ctx(0.7))).toBe(1);
  });

  it('constant(s) always waits s', () => {
    expect(constant(2).call(undefined, ctx(0.3, 5))).toBe(2);
    expect(constant(0).call(undefined, ctx(0.3))).toBe(0);
  });

  it('constantPacing(s) waits what remains of the interval, never less than zero', () => {
    const w = constantPacing(2) as PacedWait;
    expect(w.call(undefined, ctx(0, 0.5))).toBe(1.5);
    expect(w.call(undefined, ctx(0, 2))).toBe(0);
    expect(w.call(undefined, ctx(0, 3))).toBe(0);
    expect(w.intervalSeconds).toBe(2);
  });

  it('constantThroughput(n) paces one task every 1/n seconds', () => {
    const w = constantThroughput(4) as PacedWait;
    expect(w.intervalSeconds).toBe(0.25);
    expect(w.call(undefined, ctx(0, 0.1))).toBeCloseTo(0.15, 10);
    expect(constantThroughput(0.5).call(undefined, ctx(0, 0.5))).toBe(1.5);
  });

  it.each([
    ['between(2, 1)', () => between(2, 1), 'between(2, 1): expected 0 <= min <= max seconds'],
    ['between(-1, 1)', () => between(-1, 1), 'between(-1, 1)'],
    ['between(NaN, 1)', () => between(Number.NaN, 1), 'between(NaN, 1)'],
    ['constant(-1)', () => constant(-1), 'constant(-1): expected seconds >= 0'],
    ['constantPacing(0)', () => constantPacing(0), 'constantPacing(0): expected seconds > 0'],
    ['constantThroughput(0)', () => constantThroughput(0), 'constantThroughput(0): expected tasks per second > 0'],
  ])('%s throws a RangeError that says what is expected', (_name, make, message) => {
    expect(make).toThrow(RangeError);
    expect(make).toThrow(message);
  });
});
