import type { ScenarioConfig } from '../../config/load-models.js';
import type { RunConfig } from '../../config/resolve.js';
import { isOpenExecutor } from '../../config/executors/index.js';
import { ConfigError } from '../../errors.js';
import { constantArrivalRate } from './constant-arrival-rate.js';
import { constantUsers } from './constant-users.js';
import { loadShape } from './load-shape.js';
import { rampingArrivalRate } from './ramping-arrival-rate.js';
import { rampingUsers } from './ramping-users.js';
import { sweep } from './sweep.js';
import { traceReplay } from './trace-replay.js';
import { capacitySearch } from './capacity-search.js';
import { rateSweep } from './rate-sweep.js';
import type { Executor } from './executor.js';

/** Every load model, by name (docs/load-models.md); the config names a scenario's model. */
export const EXECUTORS: ReadonlyMap<string, Executor> = new Map(
  [constantUsers, rampingUsers, loadShape, constantArrivalRate, rampingArrivalRate, sweep, traceReplay].map((e) => [e.name, e]),
);

/** The model of one scenario: the LLM sweep when its options ask for one (default scenario only), else the one named. */
export function pickExecutor(cfg: RunConfig, scenario: ScenarioConfig = cfg.scenarios[0]!): Executor {
  // The capacity search and the rate sweep drive the default scenario's model themselves (docs/capacity.md).
  const driver = scenario.name === 'default' ? [capacitySearch, rateSweep].find((e) => e.matches(cfg)) : undefined;
  const ex = driver ?? (scenario.name === 'default' && sweep.matches(cfg) ? sweep : traceReplay.matches(cfg, scenario) ? traceReplay : (EXECUTORS.get(scenario.executor) ?? constantUsers));
  const problems = ex.validate(cfg, scenario);
  if (problems.length) throw new ConfigError(`${ex.name} options`, problems);
  return ex;
}

/** True for models that send arrivals rather than set user counts. */
export function isOpenModel(scenario: ScenarioConfig): boolean {
  return isOpenExecutor(scenario.executor);
}

export { type Executor, type ExecutorContext, type ShapeInstance, type StageInfo } from './executor.js';
