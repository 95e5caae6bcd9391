import { constantRateProfile } from '../schedule/arrivals.js';
import { pumpArrivals } from './arrival-pump.js';
import type { Executor } from './executor.js';
import { constantArrivalRateSpec } from '../../config/executors/constant-arrival-rate.js';

/**
 * The open model at a constant rate (k6's constant-arrival-rate, wrk2's -R):
 * `rate` iterations start per second whatever the target's speed, each on a
 * free user; with burstiness, the gaps are gamma-distributed (Poisson for 1).
 */
export const constantArrivalRate = {
  name: constantArrivalRateSpec.name,
  matches: (_cfg, s) => s.executor === constantArrivalRateSpec.name,
  validate: () => [],
  run: (ctx) => pumpArrivals(ctx, constantRateProfile(ctx.scenario.ratePerSec!, ctx.scenario.durationMs ?? Infinity), 'duration reached'),
} satisfies Executor;
