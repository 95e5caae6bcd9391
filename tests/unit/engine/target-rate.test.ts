import { describe, expect, it } from 'vitest';
import { rateAt } from '../../../src/engine/target-rate.js';
import { rampRateProfile } from '../../../src/engine/schedule/arrivals.js';

describe('rateAt', () => {
  const profile = rampRateProfile([
    { durationMs: 10_000, target: 100 },
    { durationMs: 10_000, target: 100 },
    { durationMs: 10_000, target: 0 },
  ]);
  it('reads the ramping rate at a point of the profile, and 0 past its end', () => {
    expect(rateAt(profile, 0)).toBe(0);
    expect(rateAt(profile, 5_000)).toBe(50);
    expect(rateAt(profile, 15_000)).toBe(100);
    expect(rateAt(profile, 25_000)).toBe(50);
    expect(rateAt(profile, 31_000)).toBe(0);
  });
  it('a constant rate without end', () => {
    expect(rateAt([{ durationMs: Infinity, fromPerSec: 20, toPerSec: 20 }], 1e9)).toBe(20);
  });
});
