import type * as z from 'zod';
import type { optionsSchema } from '../config/schema.js';

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

type SchemaOptions = z.input<typeof optionsSchema>;
type SchemaScenario = NonNullable<SchemaOptions['scenarios']>[string];

/** One scenario of `scenarios`: a load model and what it runs (docs/load-models.md). */
export type ScenarioOptions = Omit<SchemaScenario, 'stages'> & {
  /**
   * A ramp: users (closed model) or arrival rates (open model) per stage.
   * @example stages: [{ duration: '30s', users: 100 }, { duration: '1m', users: 100 }]
   */
  stages?: Stage[] | string;
};

/**
 * Run options. They come from `bench.config.ts` (defineConfig), from an
 * `export const options` in the scenario, and from the command line; the command
 * line beats the scenario, which beats the config file. docs/cli.md lists them all.
 *
 * The type is the input of the options schema (src/config/schema.ts), so it
 * names every option the run accepts and nothing else: a misspelt key is a
 * type error in the editor, as it is an error when the run starts.
 */
export type Options = Omit<SchemaOptions, 'stages' | 'scenarios'> & {
  /**
   * A ramp: users (closed model) or arrival rates (open model) per stage, each
   * reached linearly by the end of its stage, starting from 0.
   * @example stages: [{ duration: '30s', users: 100 }, { duration: '1m', users: 100 }, { duration: '30s', users: 0 }]
   * @example stages: [{ duration: '1m', rate: '50/s' }, { duration: '2m', rate: '200/s' }]
   */
  stages?: Stage[] | string;
  /**
   * Several load models in one run, each with its own classes and start time;
   * reported apart (`scenarios` in summary.json) and together.
   * @example scenarios: { browse: { users: 20, userClasses: ['Shopper'] }, api: { rate: '100/s', userClasses: ['Client'], startTime: '30s' } }
   */
  scenarios?: Record<string, ScenarioOptions>;
};

/**
 * Declares the config of `bench.config.ts` with type checking; returns it unchanged.
 * @example
 * import { defineConfig } from 'volley';
 * export default defineConfig({ users: 10, duration: '1m', out: 'results' });
 */
export function defineConfig(config: Options): Options {
  return config;
}
