import { describe, expect, it } from 'vitest';
import {
  ArrivalSchedule,
  constantRateProfile,
  cumulativeArrivals,
  dealArrivals,
  rampRateProfile,
  timeOfArrival,
  totalArrivals,
} from '../../../src/engine/schedule/arrivals.js';
import { gammaSampler } from '../../../src/engine/schedule/gamma.js';
import { seededRandom } from '../../../src/util/random.js';

const all = (s: ArrivalSchedule, max = 1e6) => {
  const out: number[] = [];
  for (let t = s.next(); t !== undefined && out.length < max; t = s.next()) out.push(t);
  return out;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
};
const gaps = (xs: number[]) => xs.slice(1).map((x, i) => x - xs[i]!);

describe('constant arrival rate', () => {
  it('spaces arrivals evenly from t = 0: 1 s at 10/s is exactly 10 arrivals', () => {
    const times = all(new ArrivalSchedule(constantRateProfile(10, 1000)));
    expect(times).toHaveLength(10);
    times.forEach((t, i) => expect(t).toBeCloseTo(i * 100, 9));
  });

  it('does not drift over a long schedule', () => {
    const s = new ArrivalSchedule(constantRateProfile(3000, 60_000));
    const times = all(s);
    expect(times).toHaveLength(180_000);
    expect(times[179_999]).toBeCloseTo((179_999 * 1000) / 3000, 6);
  });

  it('runs forever without a duration, and stops at a limit', () => {
    const s = new ArrivalSchedule(constantRateProfile(50), { limit: 7 });
    expect(all(s)).toHaveLength(7);
    const open = new ArrivalSchedule(constantRateProfile(50));
    expect(all(open, 5000)).toHaveLength(5000);
    expect(totalArrivals(constantRateProfile(50))).toBe(Infinity);
  });

  it('takes arrivals up to a horizon, keeping the next one for later', () => {
    const s = new ArrivalSchedule(constantRateProfile(10, 1000));
    expect(s.takeUntil(250)).toEqual([0, 100, 200]);
    expect(s.takeUntil(250)).toEqual([]);
    expect(s.takeUntil(10_000)).toHaveLength(7);
    expect(s.done).toBe(true);
  });
});

describe('ramping arrival rate', () => {
  // 0 → 100/s over 10 s, then 100/s for 10 s, then down to 0 over 10 s.
  const profile = rampRateProfile([
    { durationMs: 10_000, target: 100 },
    { durationMs: 10_000, target: 100 },
    { durationMs: 10_000, target: 0 },
  ]);

  it('integrates the rate: Λ(t) is the area under the stages', () => {
    expect(cumulativeArrivals(profile, 10_000)).toBeCloseTo(500, 9);
    expect(cumulativeArrivals(profile, 20_000)).toBeCloseTo(1500, 9);
    expect(cumulativeArrivals(profile, 5_000)).toBeCloseTo(125, 9);
    expect(totalArrivals(profile)).toBeCloseTo(2000, 9);
  });

  it('inverts Λ exactly, in every stage', () => {
    for (const n of [0, 1, 125, 499, 500, 1000, 1500, 1875, 1999]) {
      expect(cumulativeArrivals(profile, timeOfArrival(profile, n))).toBeCloseTo(n, 6);
    }
    expect(timeOfArrival(profile, 2000)).toBe(Infinity);
  });

  it('places arrival n where Λ(t) = n, following the ramp', () => {
    const times = all(new ArrivalSchedule(profile));
    expect(times).toHaveLength(2000);
    times.forEach((t, n) => expect(cumulativeArrivals(profile, t)).toBeCloseTo(n, 6));
    // Per second, the count follows the rate: about 5 in the first second, 100 in the plateau.
    const inSecond = (s: number) => times.filter((t) => t >= s * 1000 && t < (s + 1) * 1000).length;
    expect(inSecond(0)).toBe(5);
    expect(inSecond(15)).toBe(100);
    // 1995 falls on 29 s exactly, where rounding may put it a hair before.
    expect(inSecond(28) + inSecond(29)).toBe(20);
  });

  it('skips a stage with rate 0 and a jump of 0 s', () => {
    const p = rampRateProfile([
      { durationMs: 0, target: 10 },
      { durationMs: 1000, target: 10 },
      { durationMs: 0, target: 0 },
      { durationMs: 1000, target: 0 },
      { durationMs: 0, target: 10 },
      { durationMs: 1000, target: 10 },
    ]);
    const times = all(new ArrivalSchedule(p));
    expect(times).toHaveLength(20);
    expect(times.filter((t) => t >= 1000 && t < 2000)).toEqual([]);
    expect(times[10]).toBeCloseTo(2000, 9);
  });
});

describe('random arrivals', () => {
  it('Poisson (burstiness 1): exponential gaps of mean 1/rate', () => {
    const times = all(new ArrivalSchedule(constantRateProfile(100, 600_000), { burstiness: 1, seed: 7 }));
    const g = gaps(times);
    expect(times.length).toBeGreaterThan(59_000);
    expect(times.length).toBeLessThan(61_000);
    expect(mean(g)).toBeCloseTo(10, 0);
    // Exponential: the standard deviation equals the mean.
    expect(Math.sqrt(variance(g)) / mean(g)).toBeCloseTo(1, 1);
  });

  it('gamma burstiness: the coefficient of variation is 1/sqrt(burstiness)', () => {
    for (const b of [0.25, 4]) {
      const g = gaps(all(new ArrivalSchedule(constantRateProfile(100, 600_000), { burstiness: b, seed: 3 })));
      expect(mean(g)).toBeCloseTo(10, 0);
      expect(Math.sqrt(variance(g)) / mean(g)).toBeCloseTo(1 / Math.sqrt(b), 1);
    }
  });

  it('is reproducible with a seed, and another seed gives another schedule', () => {
    const a = all(new ArrivalSchedule(constantRateProfile(50, 10_000), { burstiness: 1, seed: 42 }));
    const b = all(new ArrivalSchedule(constantRateProfile(50, 10_000), { burstiness: 1, seed: 42 }));
    const c = all(new ArrivalSchedule(constantRateProfile(50, 10_000), { burstiness: 1, seed: 43 }));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('follows a ramping rate too (a non-homogeneous Poisson process)', () => {
    const p = rampRateProfile([{ durationMs: 100_000, target: 200 }]);
    const times = all(new ArrivalSchedule(p, { burstiness: 1, seed: 1 }));
    const firstHalf = times.filter((t) => t < 50_000).length;
    // Λ(50 s) = 2500 of 10,000 in all.
    expect(times.length / 10_000).toBeCloseTo(1, 1);
    expect(firstHalf / 2500).toBeCloseTo(1, 1);
  });
});

describe('gamma sampler', () => {
  it.each([0.3, 1, 2.5, 10])('shape %d has mean k and variance k', (k) => {
    const draw = gammaSampler(k, seededRandom(11));
    const xs = Array.from({ length: 100_000 }, draw);
    expect(xs.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
    expect(mean(xs) / k).toBeCloseTo(1, 1);
    expect(variance(xs) / k).toBeCloseTo(1, 1);
  });

  it('rejects a shape <= 0', () => {
    expect(() => gammaSampler(0, Math.random)).toThrow(RangeError);
  });
});

describe('dealing arrivals over workers', () => {
  it('gives global arrival n to worker n mod W, across batches, with splitEvenly counts', () => {
    const times = Array.from({ length: 10 }, (_, i) => i * 10);
    const first = dealArrivals(times.slice(0, 3), 0, 4);
    const rest = dealArrivals(times.slice(3), 3, 4);
    const merged = first.map((w, i) => [...w, ...rest[i]!]);
    expect(merged).toEqual([[0, 40, 80], [10, 50, 90], [20, 60], [30, 70]]);
    expect(merged.map((w) => w.length)).toEqual([3, 3, 2, 2]);
  });
});
