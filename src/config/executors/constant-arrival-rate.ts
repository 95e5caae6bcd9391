import { openModelKeys, ratePerSec } from './keys.js';
import { openSizing } from './open-sizing.js';
import type { ExecutorSpec } from './spec.js';

/** The open model at a constant rate (k6's constant-arrival-rate, wrk2's -R). */
export const constantArrivalRateSpec = {
  name: 'constant-arrival-rate',
  kind: 'open',
  keys: { rate: ratePerSec, ...openModelKeys },
  chosenBy: (o) => o.rate !== undefined,
  hint: "give rate, e.g. rate: '50/s'",
  size: (o) => openSizing(o, o.rate ?? 0),
} as const satisfies ExecutorSpec;
