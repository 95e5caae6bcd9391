import { constantArrivalRateSpec } from './constant-arrival-rate.js';
import { constantUsersSpec } from './constant-users.js';
import { loadShapeSpec } from './load-shape.js';
import { rampingArrivalRateSpec } from './ramping-arrival-rate.js';
import { rampingUsersSpec } from './ramping-users.js';
import type { ExecutorSpec } from './spec.js';

/**
 * Every load model, in the order the options choose them (the first whose
 * `chosenBy` answers yes): a shape, a ramp of users, a ramp of rates, a rate,
 * else a constant number of users. docs/load-models.md.
 */
export const EXECUTOR_SPECS = [loadShapeSpec, rampingUsersSpec, rampingArrivalRateSpec, constantArrivalRateSpec, constantUsersSpec] as const;

export type ExecutorName = (typeof EXECUTOR_SPECS)[number]['name'];

/** Names of the load models, as in summary.json and `executor:` of a scenario. */
export const EXECUTOR_NAMES = [constantUsersSpec.name, rampingUsersSpec.name, loadShapeSpec.name, constantArrivalRateSpec.name, rampingArrivalRateSpec.name] as const;

const BY_NAME: ReadonlyMap<string, ExecutorSpec> = new Map(EXECUTOR_SPECS.map((s) => [s.name, s]));

/** The model of this name. */
export function executorSpec(name: ExecutorName): ExecutorSpec<ExecutorName> {
  return BY_NAME.get(name)! as ExecutorSpec<ExecutorName>;
}

/** True for models that send arrivals rather than set user counts. */
export const isOpenExecutor = (name: ExecutorName): boolean => executorSpec(name).kind === 'open';

/** Whether a load-model key is one of this model's. */
export const takesKey = (name: ExecutorName, key: string): boolean => key in executorSpec(name).keys;

export type { ExecutorSpec, ModelOptions, Sizing } from './spec.js';
