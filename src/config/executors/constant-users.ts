import * as z from 'zod';
import { closedModelKeys } from './keys.js';
import type { ExecutorSpec } from './spec.js';

/** Locust's closed model: `users` users started at `spawnRate` per second (the default model). */
export const constantUsersSpec = {
  name: 'constant-users',
  kind: 'closed',
  keys: {
    users: z.number().int().min(0),
    spawnRate: z.number().positive(),
    iterationsPerUser: z.number().int().positive(),
    ...closedModelKeys,
  },
  chosenBy: () => true,
  hint: 'give users (and spawnRate)',
  size: (o) => ({ users: o.users ?? 1, maxUsers: o.users ?? 1, preAllocatedUsers: 0 }),
} as const satisfies ExecutorSpec;
