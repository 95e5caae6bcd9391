import type { StagePlan } from '../../config/load-models.js';

/**
 * A ramp of stages, k6's: starting from `start`, each stage moves linearly to
 * its target over its duration (a 0s stage jumps). Used for users (ramping-users)
 * and for arrival rates (ramping-arrival-rate).
 */

/** Total duration of the stages in ms. */
export function rampDurationMs(stages: StagePlan[]): number {
  return stages.reduce((a, s) => a + s.durationMs, 0);
}

/** The ramp's exact value at tMs (the last target after the end). */
export function rampValueAt(stages: StagePlan[], tMs: number, start = 0): number {
  let from = start;
  let t0 = 0;
  for (const s of stages) {
    if (tMs < t0 + s.durationMs) return from + ((s.target - from) * (tMs - t0)) / s.durationMs;
    t0 += s.durationMs;
    from = s.target;
  }
  return from;
}

/**
 * Users of a ramp at tMs: the value rounded up, so the first user starts as soon
 * as a ramp leaves 0 and the last one stops when it reaches 0 (as the spawn rate
 * of constant-users starts its first user at once).
 */
export function rampUsersAt(stages: StagePlan[], tMs: number, start = 0): number {
  return Math.max(0, Math.ceil(rampValueAt(stages, tMs, start) - 1e-9));
}

/** When rampUsersAt next changes (at or just after the returned time); Infinity when it never does. */
export function nextRampChangeMs(stages: StagePlan[], tMs: number, start = 0): number {
  let from = start;
  let t0 = 0;
  for (const s of stages) {
    const end = t0 + s.durationMs;
    if (tMs < end && s.target !== from) {
      const slope = (s.target - from) / s.durationMs;
      const v = from + slope * (Math.max(tMs, t0) - t0);
      const now = Math.ceil(v - 1e-9);
      // Rounding up changes just after the value passes an integer going up, or when it reaches one going down.
      const boundary = slope > 0 ? now : now - 1;
      const at = t0 + (boundary - from) / slope;
      if (at <= end) return Math.max(at, tMs);
    }
    t0 = end;
    from = s.target;
  }
  return Infinity;
}
