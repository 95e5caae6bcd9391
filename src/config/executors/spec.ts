import type * as z from 'zod';
import type { StageInput } from './keys.js';

/**
 * One load model, as k6 shapes its executors: its name, whether it is open
 * (arrivals, whatever the target's pace) or closed (a number of users), the
 * option keys it takes (its zod schema; a key of another model is an error),
 * how the options choose it, and its defaults. The engine's side of the same
 * model (how it runs) is src/engine/executors/<name>.ts.
 */
export interface ExecutorSpec<Name extends string = string> {
  readonly name: Name;
  readonly kind: 'open' | 'closed';
  /** The load-model keys it takes, beyond those of every scenario (iterations, duration, startTime, classes, tags). */
  readonly keys: Readonly<Record<string, z.ZodType>>;
  /** Whether the options choose it; asked in the order of EXECUTOR_SPECS, the first that answers yes wins. */
  chosenBy(o: ModelOptions, stageKind: 'users' | 'rate' | undefined): boolean;
  /** How a user asks for it, for the message when `executor:` names it but the options make another. */
  readonly hint: string;
  /** Its sizing, defaults filled in. */
  size(o: ModelOptions, stages: readonly { durationMs: number; target: number }[] | undefined): Sizing;
}

/** The load-model options of one scenario, parsed (durations in ms, rates per second). */
export interface ModelOptions {
  executor?: string;
  users?: number;
  spawnRate?: number;
  stages?: StageInput[];
  rate?: number;
  arrivals?: 'uniform' | 'poisson';
  burstiness?: number;
  maxUsers?: number;
  preAllocatedUsers?: number;
  iterationsPerUser?: number;
  correctCoordinatedOmission?: boolean;
  shape?: string;
}

export interface Sizing {
  /** Closed models: the users to run or the peak of the stages; open models: 0. */
  users: number;
  /** Open models: the most users in flight; closed models: the peak users. */
  maxUsers: number;
  /** Open models: users started before the first arrival; closed: 0. */
  preAllocatedUsers: number;
  /** Open models with random arrivals: the gamma shape (1 = Poisson). */
  burstiness?: number;
}
