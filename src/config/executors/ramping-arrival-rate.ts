import { openModelKeys, stages } from './keys.js';
import { openSizing } from './open-sizing.js';
import type { ExecutorSpec } from './spec.js';

/** The open model ramped through stages of arrival rates (k6's ramping-arrival-rate). */
export const rampingArrivalRateSpec = {
  name: 'ramping-arrival-rate',
  kind: 'open',
  keys: { stages, ...openModelKeys },
  chosenBy: (_o, stageKind) => stageKind === 'rate',
  hint: "give stages with rates, e.g. [{ duration: '30s', rate: '50/s' }]",
  size: (o, plans) => openSizing(o, Math.max(...(plans ?? []).map((s) => s.target))),
} as const satisfies ExecutorSpec;
