/** A duration: `'90s'`, `'5m'`, `'1h'`, `'250ms'`, `'1m30s'`, or a number of seconds. */
export type Duration = string | number;

/** A threshold: an expression such as `'http.p95<300ms'`, or one that aborts the run. */
export type ThresholdSpec = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: Duration };

/** An arrival rate: `'50/s'`, `'3000/m'`, `'1/2s'`, or a number per second. */
export type Rate = string | number;

/** A stage of a ramp: reach `users`, or an arrival `rate`, by the end of `duration`. */
export interface Stage {
  duration: Duration;
  users?: number;
  rate?: Rate;
}

/** One scenario of `scenarios`: a load model and what it runs. */
export interface ScenarioOptions {
  /** The model's name, checked against the options (e.g. 'ramping-arrival-rate'); optional. */
  executor?: 'constant-users' | 'ramping-users' | 'load-shape' | 'constant-arrival-rate' | 'ramping-arrival-rate';
  users?: number;
  spawnRate?: number;
  stages?: Stage[] | string;
  rate?: Rate;
  arrivals?: 'uniform' | 'poisson';
  burstiness?: number;
  maxUsers?: number;
  preAllocatedUsers?: number;
  iterations?: number;
  iterationsPerUser?: number;
  /** How long this scenario runs (constant models). */
  duration?: Duration;
  /** When this scenario starts, after the load starts (default 0). */
  startTime?: Duration;
  userClasses?: string[];
  tags?: string[];
  excludeTags?: string[];
  correctCoordinatedOmission?: boolean;
  shape?: string;
}

/**
 * Run options. They come from `bench.config.ts` (defineConfig), from an
 * `export const options` in the scenario, and from the command line; the command
 * line beats the scenario, which beats the config file. docs/cli.md lists them all.
 */
export interface Options {
  /** Number of concurrent users (default 1). */
  users?: number;
  /** Users started per second, across all workers (default: all at once). */
  spawnRate?: number;
  /** How long to run, e.g. '30s' (default: until --iterations are done, or Ctrl-C). */
  duration?: Duration;
  /** Total task runs across all users, then stop. */
  iterations?: number;
  /** Base URL, overriding the user classes' `host`. */
  host?: string;
  /** Worker threads (default: the available cores). */
  workers?: number;
  /** Never show the TUI. */
  headless?: boolean;
  /** Folder for summary.json and reports. */
  out?: string;
  /** Seed for every random choice (task picks, wait times, datasets). */
  seed?: number;
  /** Grace period for in-flight requests when the run stops (default 5s). */
  stopTimeout?: Duration;
  /** Bound of setup(), teardown() and each user's onStart()/onStop() (default 30s). */
  lifecycleTimeout?: Duration;
  /** Per-request timeout (default 60s). */
  requestTimeout?: Duration;
  /** Exit code when the run finished but requests failed (default 1). */
  exitCodeOnError?: number;
  /** Run only these user classes. */
  userClasses?: string[];
  /** Run only tasks with one of these tags. */
  tags?: string[];
  /** Leave out tasks with one of these tags. */
  excludeTags?: string[];
  /** Pass/fail criteria, e.g. ['http.p95<300ms', 'http.errors.rate<1%']. */
  thresholds?: ThresholdSpec[];
  /** Skip the reachability check of the host before the run. */
  skipHostCheck?: boolean;

  // Load models (docs/load-models.md)
  /**
   * A ramp: users (closed model) or arrival rates (open model) per stage, each
   * reached linearly by the end of its stage, starting from 0.
   * @example stages: [{ duration: '30s', users: 100 }, { duration: '1m', users: 100 }, { duration: '30s', users: 0 }]
   * @example stages: [{ duration: '1m', rate: '50/s' }, { duration: '2m', rate: '200/s' }]
   */
  stages?: Stage[] | string;
  /**
   * Open model: iterations started per second whatever the target's speed, each
   * on a free user; with no free user the arrival is dropped and counted.
   * @example rate: '50/s' // also '3000/m', '1/2s', or 50
   */
  rate?: Rate;
  /** Open model: 'uniform' (evenly spaced, default) or 'poisson' arrivals. */
  arrivals?: 'uniform' | 'poisson';
  /** Open model: gamma-distributed gaps of this shape (vLLM's --burstiness; 1 = Poisson, < 1 burstier). */
  burstiness?: number;
  /** Open model: the most users in flight (default: 10 × the peak rate, between 100 and 10,000). */
  maxUsers?: number;
  /** Open model: users started before the first arrival (default: a tenth of the peak rate per second). */
  preAllocatedUsers?: number;
  /** Closed model: each user runs this many tasks, then stops (k6's per-vu-iterations). */
  iterationsPerUser?: number;
  /** Closed models with constantPacing/constantThroughput: also record latency corrected for coordinated omission ('latency_corrected'). */
  correctCoordinatedOmission?: boolean;
  /** The exported LoadShape class to follow, when the scenario exports several. */
  shape?: string;
  /**
   * Several load models in one run, each with its own classes and start time;
   * reported apart (`scenarios` in summary.json) and together.
   * @example scenarios: { browse: { users: 20, userClasses: ['Shopper'] }, api: { rate: '100/s', userClasses: ['Client'], startTime: '30s' } }
   */
  scenarios?: Record<string, ScenarioOptions>;
  /** Anything else a feature adds (LLM, load models) is validated by its own schema. */
  [key: string]: unknown;
}

/**
 * Declares the config of `bench.config.ts` with type checking; returns it unchanged.
 * @example
 * import { defineConfig } from 'volley';
 * export default defineConfig({ users: 10, duration: '1m', out: 'results' });
 */
export function defineConfig<T extends Options>(config: T): T {
  return config;
}
