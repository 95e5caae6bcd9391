import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ThresholdSpec } from '../api/options.js';
import { bundleFile } from '../compile/bundle.js';
import { ScenarioError } from '../errors.js';
import type { ParsedOptions } from './schema.js';
import { peakUsers, resolveLoadModels, type ScenarioConfig } from './load-models.js';
import { validateOptions } from './validate.js';
import { optionLikeExports } from './scenario-exports.js';
import { scenarioExports } from '../util/module-exports.js';
import { newPrefixSalt } from '../workload/prefix-pool.js';
import { withTraceModel } from './trace-model.js';
import { capacityPlan, searchModelLayer, type CapacityPlan } from './capacity.js';

/** The resolved run configuration: every default applied, durations in ms. */
export interface RunConfig {
  scenarioPath: string;
  users: number;
  /** Users per second; Infinity = all at once. */
  spawnRate: number;
  durationMs?: number;
  iterations?: number;
  host?: string;
  workers: number;
  headless: boolean;
  out?: string;
  seed: number;
  stopTimeoutMs: number;
  requestTimeoutMs: number;
  exitCodeOnError: number;
  userClasses?: string[];
  tags?: string[];
  excludeTags?: string[];
  thresholds: ThresholdSpec[];
  skipHostCheck: boolean;
  snapshotIntervalMs: number;
  /** Feature options (LLM, mock…) as validated, passed on to the workers. */
  extra: ParsedOptions;
  /** Where each option came from, for the summary's metadata. */
  sources: string[];
  // Load models (docs/load-models.md): every scenario of the run with its model, resolved and
  // validated; one named 'default' unless the options have `scenarios`. `users` above is their peak.
  scenarios: ScenarioConfig[];
  /** --find-capacity: the search's plan (docs/capacity.md); its --slo is the search's, not goodput's. */
  capacity?: CapacityPlan;
}

const CORE_KEYS = new Set([
  'users', 'spawnRate', 'duration', 'iterations', 'host', 'workers', 'headless', 'out', 'seed', 'stopTimeout', 'requestTimeout',
  'exitCodeOnError', 'userClasses', 'tags', 'excludeTags', 'thresholds', 'skipHostCheck', 'snapshotInterval',
  // load models
  'stages', 'rate', 'arrivals', 'burstiness', 'maxUsers', 'preAllocatedUsers', 'iterationsPerUser', 'correctCoordinatedOmission', 'shape', 'scenarios',
]);

export const CONFIG_FILE_NAMES = ['bench.config.ts', 'bench.config.mts', 'bench.config.js', 'bench.config.mjs'];

/** Loads bench.config.ts from the current folder, or the file named with --config. */
export async function loadConfigFile(explicit: string | undefined, cwd = process.cwd()): Promise<{ file?: string; options: ParsedOptions }> {
  const file = explicit ? resolve(cwd, explicit) : CONFIG_FILE_NAMES.map((n) => resolve(cwd, n)).find((p) => existsSync(p));
  if (!file) return { options: {} };
  const bundle = await bundleFile(file, 'config');
  try {
    const mod = await importUserModule<{ default?: unknown }>(bundle.path, `config ${file}`, 'the error is in the top-level code of the config file');
    if (mod.default === undefined) throw new ScenarioError(`${file} has no default export`, 'write `export default defineConfig({ ... })`');
    return { file, options: validateOptions(file, mod.default) };
  } finally {
    bundle.dispose();
  }
}

/** Imports a bundled user file; its top-level code throwing is the user's bug, not ours: a ScenarioError, no stack trace. */
async function importUserModule<T>(bundlePath: string, what: string, hint: string): Promise<T> {
  try {
    return (await import(pathToFileURL(bundlePath).href)) as T;
  } catch (err) {
    const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new ScenarioError(`${what} failed to load: ${why}`, hint);
  }
}

/** Reads the scenario's exported `options` by importing its bundle once on the main thread. */
export async function loadScenarioOptions(bundlePath: string, scenarioPath: string, warn?: (message: string) => void): Promise<ParsedOptions> {
  const mod = scenarioExports(await importUserModule<Record<string, unknown>>(bundlePath, `scenario ${scenarioPath}`, 'the error is in the top-level code of the scenario (outside its classes and functions)'));
  for (const w of optionLikeExports(mod, scenarioPath)) warn?.(w);
  if (mod.options === undefined) return {};
  return validateOptions(`options exported by ${scenarioPath}`, mod.options);
}

/** Command line beats scenario beats config file beats defaults. */
export function resolveConfig(scenarioPath: string, layers: { cli: ParsedOptions; scenario: ParsedOptions; file: ParsedOptions }): RunConfig {
  const merged: ParsedOptions = { ...layers.file, ...layers.scenario, ...layers.cli };
  layers = withTraceModel(layers, merged);
  const extra: ParsedOptions = {};
  for (const [k, v] of Object.entries(merged)) if (!CORE_KEYS.has(k)) (extra as Record<string, unknown>)[k] = v;
  if (extra.warmCache !== true) extra.prefixSalt ??= newPrefixSalt();
  const scenarios = resolveLoadModels({ ...layers, cli: searchModelLayer(merged, layers.cli) }, merged);
  const capacity = capacityPlan(merged);
  if (capacity) delete extra.slo;
  const users = scenarios.length === 1 && scenarios[0]!.executor === 'constant-users' ? scenarios[0]!.users : peakUsers(scenarios, 0);
  return {
    scenarioPath,
    users,
    spawnRate: merged.spawnRate ?? Infinity,
    durationMs: merged.duration,
    iterations: merged.iterations,
    host: merged.host,
    workers: merged.workers ?? availableParallelism(),
    headless: merged.headless ?? false,
    out: merged.out,
    seed: merged.seed ?? Math.floor(Math.random() * 2 ** 31),
    stopTimeoutMs: merged.stopTimeout ?? 5000,
    requestTimeoutMs: merged.requestTimeout ?? 60_000,
    exitCodeOnError: merged.exitCodeOnError ?? 1,
    userClasses: merged.userClasses,
    tags: merged.tags,
    excludeTags: merged.excludeTags,
    thresholds: merged.thresholds ?? [],
    skipHostCheck: merged.skipHostCheck ?? false,
    snapshotIntervalMs: merged.snapshotInterval ?? 1000,
    extra,
    sources: [],
    scenarios,
    ...(capacity && { capacity }),
  };
}
