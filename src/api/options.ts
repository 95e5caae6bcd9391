/** A duration: `'90s'`, `'5m'`, `'1h'`, `'250ms'`, `'1m30s'`, or a number of seconds. */
export type Duration = string | number;

/** A threshold: an expression such as `'http.p95<300ms'`, or one that aborts the run. */
export type ThresholdSpec = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: Duration };

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
  /** How long to run, e.g. '30s' (default: until --iterations, or 10s). */
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
