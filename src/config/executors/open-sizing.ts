import type { ModelOptions, Sizing } from './spec.js';

/** Users of the open model when `maxUsers` is not given: enough for iterations of up to 10 s. */
export function defaultMaxUsers(peakRatePerSec: number): number {
  return Math.min(10_000, Math.max(100, Math.ceil(peakRatePerSec * 10)));
}

/** Users started before the first arrival when `preAllocatedUsers` is not given: a tenth of a second's arrivals. */
export function defaultPreAllocatedUsers(peakRatePerSec: number, maxUsers: number): number {
  return Math.min(maxUsers, Math.max(1, Math.ceil(peakRatePerSec / 10)));
}

/** The sizing of an open model at this peak rate, defaults filled in. */
export function openSizing(o: ModelOptions, peakRate: number): Sizing {
  const maxUsers = o.maxUsers ?? defaultMaxUsers(peakRate);
  const random = o.burstiness !== undefined || o.arrivals === 'poisson';
  return {
    users: 0,
    maxUsers,
    preAllocatedUsers: o.preAllocatedUsers ?? defaultPreAllocatedUsers(peakRate, maxUsers),
    burstiness: random ? (o.burstiness ?? 1) : undefined,
  };
}
