import { rampRateProfile } from '../schedule/arrivals.js';
import { pumpArrivals } from './arrival-pump.js';
import type { Executor } from './executor.js';
import { rampingArrivalRateSpec } from '../../config/executors/ramping-arrival-rate.js';

/**
 * The open model with a ramp of rates (k6's ramping-arrival-rate): the rate
 * moves linearly from 0 through each stage's target; arrivals follow it
 * exactly (evenly spaced, or gamma gaps with burstiness).
 */
export const rampingArrivalRate = {
  name: rampingArrivalRateSpec.name,
  matches: (_cfg, s) => s.executor === rampingArrivalRateSpec.name,
  validate: () => [],
  run: (ctx) => pumpArrivals(ctx, rampRateProfile(ctx.scenario.stages!), 'stages done'),
} satisfies Executor;
