import * as z from 'zod';
import { closedModelKeys } from './keys.js';
import type { ExecutorSpec } from './spec.js';

/** A closed model whose users follow an exported LoadShape class, tick by tick (Locust's LoadTestShape). */
export const loadShapeSpec = {
  name: 'load-shape',
  kind: 'closed',
  keys: { shape: z.string().min(1), ...closedModelKeys },
  // Chosen by `shape`, or by `executor: 'load-shape'` when no other model key is given.
  chosenBy: (o) => o.shape !== undefined || (o.executor === 'load-shape' && o.users === undefined && o.stages === undefined && o.rate === undefined),
  hint: 'give shape: the name of an exported LoadShape class',
  size: (o) => ({ users: o.users ?? 1, maxUsers: o.users ?? 1, preAllocatedUsers: 0 }),
} as const satisfies ExecutorSpec;
