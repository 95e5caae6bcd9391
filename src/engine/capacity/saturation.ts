import type { Saturation } from '../../metrics/summary-types.js';

/** One interval of a step (or a run) as the over-saturation rule reads it. */
export interface LoadPoint {
  /** Open models: arrivals asked for, started and dropped per second in the interval. */
  offeredPerSec?: number;
  startedPerSec?: number;
  droppedPerSec?: number;
  /** Requests completed per second in the interval. */
  completedPerSec: number;
  /** The interval's median latency; null when no request completed in it. */
  p50Ms: number | null;
  /** Users the workers ran: for an open model one per request in flight at its peak so far. */
  users: number;
  /** The interval's length. */
  intervalSec: number;
}

/**
 * The over-saturation rule (docs/capacity.md, "Over-saturation"), guidellm's
 * --stop-over-saturated as the anchor. A step is saturated when any holds:
 * - behind: an open model's arrivals started in the step fall more than `behindShare` (and more
 *   than `behindMin` arrivals) below those offered;
 * - in flight: the open model's users (a user per request in flight) grow by more than
 *   `usersRiseShare` (and at least `usersRiseMin`) from the middle of the step to its end;
 * - latency: the median of the per-interval p50s of the step's second half is more than
 *   `latencyRise` times the first half's, and at least `latencyRiseMinMs` more (medians, so
 *   one slow interval, a pause of the machine, does not make a trend).
 * The in-flight and latency parts need `minPoints` intervals.
 */
export const SATURATION_RULE = { behindShare: 0.1, behindMin: 2, usersRiseShare: 0.25, usersRiseMin: 4, latencyRise: 1.5, latencyRiseMinMs: 10, minPoints: 4 } as const;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number): number => Math.round(x * 10) / 10;

/** Judges the measured intervals of one step (warm-up excluded) by SATURATION_RULE. */
export function judgeSaturation(points: readonly LoadPoint[], open: boolean): Saturation {
  const reasons: string[] = [];
  const R = SATURATION_RULE;
  const offered = points.filter((p) => p.offeredPerSec !== undefined && p.offeredPerSec > 0);
  if (open && offered.length) {
    const sec = offered.reduce((a, p) => a + p.intervalSec, 0);
    const want = offered.reduce((a, p) => a + p.offeredPerSec! * p.intervalSec, 0);
    const got = offered.reduce((a, p) => a + (p.startedPerSec ?? 0) * p.intervalSec, 0);
    if (want - got > Math.max(R.behindMin, want * R.behindShare)) {
      reasons.push(`achieved ${round(got / sec)}/s, ${Math.round((1 - got / want) * 100)}% behind the offered ${round(want / sec)}/s`);
    }
  }
  if (points.length >= R.minPoints) {
    const mid = Math.floor(points.length / 2);
    if (open) {
      const from = points[mid - 1]!.users;
      const to = points.at(-1)!.users;
      if (to - from > Math.max(R.usersRiseMin, from * R.usersRiseShare)) reasons.push(`requests in flight kept growing, ${from} → ${to} users through the step's second half`);
    }
    const first = points.slice(0, mid).map((p) => p.p50Ms).filter((x): x is number => x !== null);
    const second = points.slice(mid).map((p) => p.p50Ms).filter((x): x is number => x !== null);
    if (first.length && second.length) {
      const a = median(first);
      const b = median(second);
      if (b > a * R.latencyRise && b - a >= R.latencyRiseMinMs) reasons.push(`latency kept climbing, p50 ${round(a)} ms → ${round(b)} ms from the step's first half to its second`);
    }
  }
  return { saturated: reasons.length > 0, reasons };
}
