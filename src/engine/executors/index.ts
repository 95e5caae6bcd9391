import type { ScenarioConfig } from '../../config/load-models.js';
import type { RunConfig } from '../../config/resolve.js';
import { ConfigError } from '../../errors.js';
import { constantArrivalRate } from './constant-arrival-rate.js';
import { constantUsers } from './constant-users.js';
import { loadShape } from './load-shape.js';
import { rampingArrivalRate } from './ramping-arrival-rate.js';
import { rampingUsers } from './ramping-users.js';
import { sweep } from './sweep.js';
import type { Executor } from './executor.js';

/** Every load model, most specific first; the closed model is the fallback. */
export const EXECUTORS: Executor[] = [sweep, rampingUsers, loadShape, constantArrivalRate, rampingArrivalRate, constantUsers];

/** Executors by name (docs/load-models.md). */
export const EXECUTORS_BY_NAME: ReadonlyMap<string, Executor> = new Map(EXECUTORS.map((e) => [e.name, e]));

/** The model of one scenario; the sweep applies to the run's default scenario only. */
export function pickExecutor(cfg: RunConfig, scenario: ScenarioConfig = cfg.scenarios[0]!): Executor {
  const ex = EXECUTORS.find((e) => (e !== sweep || scenario.name === 'default') && e.matches(cfg, scenario)) ?? constantUsers;
  const problems = ex.validate(cfg, scenario);
  if (problems.length) throw new ConfigError(`${ex.name} options`, problems);
  return ex;
}

/** True for models that send arrivals rather than set user counts. */
export function isOpenModel(scenario: ScenarioConfig): boolean {
  return scenario.executor === 'constant-arrival-rate' || scenario.executor === 'ramping-arrival-rate';
}

export { type Executor, type ExecutorContext, type ShapeInstance, type StageInfo } from './executor.js';
