import type { RunConfig } from '../../config/resolve.js';
import { ConfigError } from '../../errors.js';
import { constantUsers } from './constant-users.js';
import { sweep } from './sweep.js';
import type { Executor } from './executor.js';

/** Every load model by name, most specific first; the closed model is the fallback. */
export const EXECUTORS: Executor[] = [sweep, constantUsers];

export function pickExecutor(cfg: RunConfig): Executor {
  const ex = EXECUTORS.find((e) => e.matches(cfg)) ?? constantUsers;
  const problems = ex.validate(cfg);
  if (problems.length) throw new ConfigError(`${ex.name} options`, problems);
  return ex;
}

export type { Executor, ExecutorContext, StageInfo } from './executor.js';
