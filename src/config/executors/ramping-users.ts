import { closedModelKeys, stages } from './keys.js';
import type { ExecutorSpec } from './spec.js';

/** A closed model ramped through stages of users (k6's ramping-vus). */
export const rampingUsersSpec = {
  name: 'ramping-users',
  kind: 'closed',
  keys: { stages, ...closedModelKeys },
  chosenBy: (_o, stageKind) => stageKind === 'users',
  hint: "give stages with users, e.g. [{ duration: '30s', users: 10 }]",
  size: (_o, plans) => {
    const peak = Math.max(0, ...(plans ?? []).map((s) => s.target));
    return { users: peak, maxUsers: peak, preAllocatedUsers: 0 };
  },
} as const satisfies ExecutorSpec;
