import { availableParallelism } from 'node:os';
import { WorkerThreads } from '../pool/pool.js';

/**
 * Starts the worker threads of a `bench run` before the run is resolved, when
 * the command line already tells how many it will use: --workers (default one
 * per core), fewer when -u gives fewer users; without -u the scenario holds the
 * count, and nothing is started. A config file or the scenario
 * may still change the count: the run then ends these and starts its own
 * (pool.ts), so a wrong guess costs time, never correctness. No guess for
 * the web UI (it starts runs later) or load models whose peak the command
 * line does not give.
 */
export function prestartThreads(opts: Record<string, unknown>): WorkerThreads | undefined {
  // --segment shares the users among instances: this one's count is not the command line's.
  if (opts.web || opts.config !== undefined || opts.concurrency !== undefined || opts.segment !== undefined) return undefined;
  const workers = opts.workers === undefined ? availableParallelism() : opts.workers;
  // A count the options' validation refuses (config/schema.ts: 1 to 256) starts nothing: the run will not.
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1 || workers > 256) return undefined;
  // An open model or a ramp keeps a worker per core busy; a closed run with no -u takes its users from the scenario (unknown here).
  if (opts.rate !== undefined || opts.stages !== undefined) return new WorkerThreads(workers);
  const users = opts.users;
  if (typeof users !== 'number' || !Number.isInteger(users) || users < 1) return undefined;
  return new WorkerThreads(Math.min(workers, users));
}
