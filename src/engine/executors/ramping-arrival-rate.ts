import { rampRateProfile } from '../schedule/arrivals.js';
import { pumpArrivals } from './arrival-pump.js';
import type { Executor } from './executor.js';

/**
 * The open model with a ramp of rates (k6's ramping-arrival-rate): the rate
 * moves linearly from 0 through each stage's target; arrivals follow it
 * exactly (evenly spaced, or gamma gaps with burstiness).
 */
export const rampingArrivalRate = {
  name: 'ramping-arrival-rate',
  matches: (_cfg, s) => s.executor === 'ramping-arrival-rate',
  validate: () => [],
  run: (ctx) => pumpArrivals(ctx, rampRateProfile(ctx.scenario.stages!), 'stages done'),
} satisfies Executor;
