import type { StagePlan } from '../../config/load-models.js';
import { deriveSeed, seededRandom } from '../../util/random.js';
import { gammaSampler } from './gamma.js';

/**
 * Arrival schedules of the open model. A rate profile is piecewise linear in
 * time; its integral Λ(t) counts the arrivals due by t. Evenly spaced arrivals
 * fall where Λ(t) = 0, 1, 2, …; random ones where Λ(t) crosses the partial sums
 * of gamma draws of mean 1 (shape 1: a Poisson process, also when the rate
 * ramps, by the time-rescaling theorem). The first arrival is at t = 0 in both.
 */

/** A stretch of the profile: the rate moves linearly from fromPerSec to toPerSec. */
export interface RateSegment {
  durationMs: number;
  fromPerSec: number;
  toPerSec: number;
}

/** A constant rate for durationMs (Infinity: no end). */
export function constantRateProfile(ratePerSec: number, durationMs = Infinity): RateSegment[] {
  return [{ durationMs, fromPerSec: ratePerSec, toPerSec: ratePerSec }];
}

/** Stages of rates, ramping from `startPerSec` (k6's startRate, default 0). */
export function rampRateProfile(stages: StagePlan[], startPerSec = 0): RateSegment[] {
  let from = startPerSec;
  return stages.map((s) => {
    const seg = { durationMs: s.durationMs, fromPerSec: from, toPerSec: s.target };
    from = s.target;
    return seg;
  });
}

/** Arrivals in a segment over its first tMs: the area under the rate line. */
function areaMs(seg: RateSegment, tMs: number): number {
  if (tMs <= 0) return 0;
  if (tMs === Infinity) return seg.fromPerSec > 0 || seg.toPerSec > 0 ? Infinity : 0;
  const slopePerMs = seg.durationMs === Infinity ? 0 : (seg.toPerSec - seg.fromPerSec) / seg.durationMs;
  return (seg.fromPerSec * tMs + (slopePerMs * tMs * tMs) / 2) / 1000;
}

/** Λ(t): the arrivals due by tMs. */
export function cumulativeArrivals(profile: RateSegment[], tMs: number): number {
  let total = 0;
  let t0 = 0;
  for (const seg of profile) {
    if (tMs <= t0 + seg.durationMs) return total + areaMs(seg, tMs - t0);
    total += areaMs(seg, seg.durationMs);
    t0 += seg.durationMs;
  }
  return total;
}

/** The total arrivals of a profile (Infinity when it never ends with a rate > 0). */
export function totalArrivals(profile: RateSegment[]): number {
  return profile.reduce((a, s) => (s.durationMs === Infinity ? (s.fromPerSec > 0 ? Infinity : a) : a + areaMs(s, s.durationMs)), 0);
}

/** The time within a segment at which `count` arrivals are due (count ≤ the segment's area). */
function timeInSegment(seg: RateSegment, count: number): number {
  const a = seg.durationMs === Infinity ? 0 : (seg.toPerSec - seg.fromPerSec) / seg.durationMs / 2000;
  const b = seg.fromPerSec / 1000;
  if (count <= 0) return 0;
  // Solve a·t² + b·t = count; this form stays accurate when a is tiny or negative.
  const disc = b * b + 4 * a * count;
  return (2 * count) / (b + Math.sqrt(Math.max(0, disc)));
}

/** Guards the half-open ends of segments against rounding: 1 s at 10/s is 10 arrivals, not 11. */
const EPSILON = 1e-9;

/** Λ⁻¹: the time at which `count` arrivals are due; Infinity at or past the end (segments are half-open). */
export function timeOfArrival(profile: RateSegment[], count: number): number {
  let t0 = 0;
  let before = 0;
  for (const seg of profile) {
    const area = areaMs(seg, seg.durationMs);
    if (count < before + area - EPSILON) return t0 + Math.min(seg.durationMs, timeInSegment(seg, count - before));
    before += area;
    t0 += seg.durationMs;
  }
  return Infinity;
}

export interface ScheduleOptions {
  /** Gamma shape of the inter-arrival times (1 = Poisson); undefined = evenly spaced. */
  burstiness?: number;
  /** Seed of the random arrivals: the same seed gives the same schedule. */
  seed?: number;
  /** Stop after this many arrivals (the scenario's iterations). */
  limit?: number;
}

/**
 * The global arrival times of one scenario, in order, in ms from its start.
 * It walks the profile forward only, so each arrival costs O(1).
 */
export class ArrivalSchedule {
  /** Arrivals handed out so far (the index of the next one). */
  index = 0;
  private x = 0;
  private seg = 0;
  private segStartMs = 0;
  private segBefore = 0;
  private readonly draw?: () => number;
  private readonly limit: number;

  constructor(
    private readonly profile: RateSegment[],
    opts: ScheduleOptions = {},
  ) {
    this.limit = opts.limit ?? Infinity;
    if (opts.burstiness !== undefined) {
      const shape = opts.burstiness;
      const sample = gammaSampler(shape, seededRandom(deriveSeed(opts.seed ?? 0, 0x5eed)));
      // Mean 1 in units of "arrivals due": shape k, scale 1/k.
      this.draw = () => sample() / shape;
    }
  }

  /** The time of the next arrival, or undefined when the schedule has ended. */
  next(): number | undefined {
    if (this.index >= this.limit) return undefined;
    const x = this.x;
    while (this.seg < this.profile.length) {
      const s = this.profile[this.seg]!;
      const area = areaMs(s, s.durationMs);
      if (x < this.segBefore + area - EPSILON) {
        const t = this.segStartMs + Math.min(s.durationMs, timeInSegment(s, x - this.segBefore));
        this.index++;
        this.x += this.draw ? this.draw() : 1;
        return t;
      }
      this.segBefore += area;
      this.segStartMs += s.durationMs;
      this.seg++;
    }
    return undefined;
  }

  /** Every remaining arrival before untilMs (and the one after, kept for the next call). */
  takeUntil(untilMs: number, out: number[] = []): number[] {
    for (;;) {
      if (this.peeked === undefined) this.peeked = this.next() ?? null;
      if (this.peeked === null || this.peeked >= untilMs) return out;
      out.push(this.peeked);
      this.peeked = undefined;
    }
  }

  /** True when no arrival is left. */
  get done(): boolean {
    if (this.peeked === undefined) this.peeked = this.next() ?? null;
    return this.peeked === null;
  }

  private peeked: number | null | undefined;
}

/** Deals arrivals round robin: global arrival n goes to worker n mod W (the same split as splitEvenly). */
export function dealArrivals(times: number[], firstIndex: number, workers: number): number[][] {
  const out: number[][] = Array.from({ length: workers }, () => []);
  for (let k = 0; k < times.length; k++) out[(firstIndex + k) % workers]!.push(times[k]!);
  return out;
}
