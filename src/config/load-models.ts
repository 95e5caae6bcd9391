import * as z from 'zod';
import { ConfigError } from '../errors.js';
import { formatRate } from './rate.js';
import { EXECUTOR_NAMES, EXECUTOR_SPECS, executorSpec, takesKey, type ExecutorName, type Sizing } from './executors/index.js';
import { duration, type StageInput } from './executors/keys.js';

/**
 * Load models (docs/load-models.md): how many users run, or how many
 * iterations arrive per second, over time, per scenario. This file has the
 * option schemas and turns the merged options into one `ScenarioConfig` per
 * scenario, checking every cross-field rule and listing all problems at once.
 */

const list = z.union([z.array(z.string()), z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))]);

export { ratePerSec } from './executors/keys.js';
export { EXECUTOR_NAMES, type ExecutorName } from './executors/index.js';

/** The keys that choose a load model; the highest option source that sets any of them wins whole. */
const MODEL_SELECTORS = ['users', 'stages', 'rate', 'shape', 'scenarios'] as const;

/** Every executor's keys (./executors/<name>.ts), in one object: what a scenario may set. */
const k = { ...EXECUTOR_SPECS[0].keys, ...EXECUTOR_SPECS[1].keys, ...EXECUTOR_SPECS[2].keys, ...EXECUTOR_SPECS[3].keys, ...EXECUTOR_SPECS[4].keys };

/** Keys of one load model at the top level, where users and spawnRate are options of their own. */
const modelKeys = {
  stages: k.stages,
  rate: k.rate,
  arrivals: k.arrivals,
  burstiness: k.burstiness,
  maxUsers: k.maxUsers,
  preAllocatedUsers: k.preAllocatedUsers,
  iterationsPerUser: k.iterationsPerUser,
  correctCoordinatedOmission: k.correctCoordinatedOmission,
  shape: k.shape,
} satisfies Record<Exclude<keyof typeof k, 'users' | 'spawnRate'>, unknown>;

/** One entry of `scenarios`: its own load model, start time, classes and tags. */
const scenarioEntry = z
  .object({
    ...modelKeys,
    executor: z.enum(EXECUTOR_NAMES),
    users: k.users,
    spawnRate: k.spawnRate,
    iterations: z.number().int().positive(),
    duration,
    startTime: duration,
    userClasses: list,
    tags: list,
    excludeTags: list,
  })
  .partial()
  .strict();

/** The load-model keys of the options schema (spread into ./schema.ts). */
export const loadModelOptionKeys = {
  ...modelKeys,
  scenarios: z.record(z.string(), scenarioEntry),
};

type ScenarioEntry = z.output<typeof scenarioEntry>;

/** A stage of a ramp: reach `target` (users, or arrivals per second) by the end of `durationMs`. */
export interface StagePlan {
  durationMs: number;
  target: number;
}

/** One scenario of a run, resolved: the load model, when it starts, what it runs. */
export interface ScenarioConfig {
  name: string;
  executor: ExecutorName;
  /** Closed models: the users to run (constant-users) or the peak of the stages. */
  users: number;
  /** Users started per second (constant-users); Infinity = all at once. */
  spawnRate: number;
  /** ramping-users: targets are users; ramping-arrival-rate: arrivals per second. */
  stages?: StagePlan[];
  /** constant-arrival-rate: arrivals per second. */
  ratePerSec?: number;
  /** Open models: gamma shape of the inter-arrival times (1 = Poisson); undefined = evenly spaced. */
  burstiness?: number;
  /** Open models: the most users in flight; closed models: the peak users. */
  maxUsers: number;
  /** Open models: users started before the first arrival. */
  preAllocatedUsers: number;
  /** Shared task runs of this scenario (k6's shared-iterations); open models: the arrivals. */
  iterations?: number;
  /** Task runs of each user, then it stops (k6's per-vu-iterations). */
  iterationsPerUser?: number;
  durationMs?: number;
  /** Delay after the load starts before this scenario starts. */
  startTimeMs: number;
  userClasses?: string[];
  tags?: string[];
  excludeTags?: string[];
  /** Closed models with paced waits: also record HdrHistogram's corrected latency. */
  correctCoordinatedOmission: boolean;
  /** load-shape: the exported LoadShape class (default: the only one exported). */
  shape?: string;
  /** The default scenario with no model chosen: a LoadShape the scenario exports takes over. */
  shapeMayDrive: boolean;
}

export { defaultMaxUsers, defaultPreAllocatedUsers } from './executors/open-sizing.js';

type Layer = Record<string, unknown>;

/**
 * Resolves the load model of every scenario from the option sources. The model
 * keys (users, stages, rate, shape, scenarios) come from the highest source
 * that sets any of them, as k6's command-line shortcuts replace the script's
 * scenarios; the other keys merge as usual. Throws a ConfigError listing every problem.
 */
export function resolveLoadModels(layers: { cli: Layer; scenario: Layer; file: Layer }, merged: Layer): ScenarioConfig[] {
  const top = [layers.cli, layers.scenario, layers.file].find((l) => MODEL_SELECTORS.some((k) => l[k] !== undefined)) ?? {};
  const opts: Layer = { ...merged };
  for (const k of MODEL_SELECTORS) opts[k] = top[k];
  const problems: string[] = [];
  const out: ScenarioConfig[] = [];
  const scenarios = opts.scenarios as Record<string, ScenarioEntry> | undefined;

  if (opts.concurrency !== undefined) {
    const clash = (['stages', 'rate', 'scenarios', 'shape'] as const).filter((k) => opts[k] !== undefined);
    if (clash.length) problems.push(`concurrency: a sweep runs its own closed model; not with ${clash.join(', ')}`);
  }
  if (scenarios !== undefined) {
    const stray = [...Object.keys(modelKeys), 'users', 'spawnRate', 'iterations'].filter((k) => opts[k] !== undefined);
    for (const k of stray) problems.push(`${k}: with scenarios, set it inside each scenario (scenarios.<name>.${k})`);
    if (Object.keys(scenarios).length === 0) problems.push('scenarios: expected at least one scenario, got {}');
    for (const [name, entry] of Object.entries(scenarios)) {
      if (!/^[\w.-]+$/.test(name)) problems.push(`scenarios.${name}: expected a name of letters, digits, _ . or -, got ${JSON.stringify(name)}`);
      const s = resolveScenario(name, entry, `scenarios.${name}.`, problems, false);
      if (s) out.push(s);
    }
  } else {
    const entry: ScenarioEntry = {
      users: opts.users as number | undefined,
      spawnRate: opts.spawnRate as number | undefined,
      iterations: opts.iterations as number | undefined,
      duration: opts.duration as number | undefined,
      userClasses: opts.userClasses as string[] | undefined,
      tags: opts.tags as string[] | undefined,
      excludeTags: opts.excludeTags as string[] | undefined,
    };
    for (const k of Object.keys(modelKeys)) (entry as Layer)[k] = opts[k];
    const s = resolveScenario('default', entry, '', problems, true);
    if (s) out.push(s);
  }
  if (problems.length) throw new ConfigError('load model options', problems);
  return out;
}

function resolveScenario(name: string, o: ScenarioEntry, p: string, problems: string[], isDefault: boolean): ScenarioConfig | undefined {
  const before = problems.length;
  const chosen = (['users', 'stages', 'rate', 'shape'] as const).filter((k) => o[k] !== undefined);
  if (chosen.length > 1) {
    problems.push(`${chosen.map((k) => p + k).join(', ')}: choose one load model (users: closed, rate: open, stages: a ramp of either, shape: a LoadShape class), got ${chosen.length}`);
  }
  const st = o.stages;
  let stageKind: 'users' | 'rate' | undefined;
  if (st !== undefined) stageKind = checkStages(st, p, problems);
  const spec = EXECUTOR_SPECS.find((e) => e.chosenBy(o, stageKind))!;
  const executor: ExecutorName = spec.name;
  const open = spec.kind === 'open';
  if (o.executor !== undefined && o.executor !== executor) {
    problems.push(`${p}executor: the options given make a ${executor} model, got ${JSON.stringify(o.executor)}; ${executorSpec(o.executor).hint}`);
  }
  if (o.rate !== undefined && o.rate <= 0) problems.push(`${p}rate: expected an arrival rate > 0, got ${formatRate(o.rate)}`);
  // A key that is not the chosen model's (./executors/<name>.ts) says whose it is.
  const foreign = (k: keyof ScenarioEntry) => o[k] !== undefined && !takesKey(executor, k);
  for (const k of ['arrivals', 'burstiness', 'maxUsers', 'preAllocatedUsers'] as const) {
    if (foreign(k)) problems.push(`${p}${k}: only for arrival-rate models (rate, or stages with rate); closed models size themselves with users`);
  }
  if (o.arrivals === 'uniform' && o.burstiness !== undefined) problems.push(`${p}burstiness: needs random arrivals; remove arrivals: 'uniform' (burstiness alone makes gamma arrivals)`);
  if (o.maxUsers !== undefined && o.preAllocatedUsers !== undefined && o.preAllocatedUsers > o.maxUsers) {
    problems.push(`${p}preAllocatedUsers: expected at most maxUsers (${o.maxUsers}), got ${o.preAllocatedUsers}`);
  }
  if (foreign('spawnRate')) problems.push(`${p}spawnRate: only for a constant number of users; ${executor} sets its own pace`);
  if (o.iterationsPerUser !== undefined) {
    if (foreign('iterationsPerUser')) problems.push(`${p}iterationsPerUser: only for a constant number of users (k6's per-vu-iterations), not with ${executor}`);
    if (o.iterations !== undefined) problems.push(`${p}iterationsPerUser: not with iterations; choose per-user counts or a shared total`);
  }
  if (o.correctCoordinatedOmission && foreign('correctCoordinatedOmission')) problems.push(`${p}correctCoordinatedOmission: open models already measure latency from the intended start; the correction is for closed models with constantPacing/constantThroughput`);
  if (problems.length > before) return undefined;

  const stagePlans = st?.map((s) => ({ durationMs: s.duration, target: (stageKind === 'users' ? s.users : s.rate) ?? 0 }));
  const size: Sizing = spec.size(o, stagePlans);
  return {
    name,
    executor,
    users: size.users,
    spawnRate: o.spawnRate ?? Infinity,
    stages: stagePlans,
    ratePerSec: o.rate,
    burstiness: size.burstiness,
    maxUsers: size.maxUsers,
    preAllocatedUsers: size.preAllocatedUsers,
    iterations: o.iterations,
    iterationsPerUser: o.iterationsPerUser,
    durationMs: o.duration,
    startTimeMs: o.startTime ?? 0,
    userClasses: o.userClasses,
    tags: o.tags,
    excludeTags: o.excludeTags,
    correctCoordinatedOmission: o.correctCoordinatedOmission ?? false,
    shape: o.shape,
    shapeMayDrive: isDefault && executor === 'constant-users',
  };
}

function checkStages(st: StageInput[], p: string, problems: string[]): 'users' | 'rate' | undefined {
  if (st.length === 0) {
    problems.push(`${p}stages: expected at least one stage like { duration: '30s', users: 10 }, got []`);
    return undefined;
  }
  const kinds = new Set<'users' | 'rate'>();
  st.forEach((s, i) => {
    if ((s.users === undefined) === (s.rate === undefined)) {
      problems.push(`${p}stages.${i}: expected either users or rate, got ${s.users === undefined ? 'neither' : 'both'}`);
    } else kinds.add(s.users !== undefined ? 'users' : 'rate');
  });
  if (kinds.size > 1) {
    problems.push(`${p}stages: mixes users and rate stages; a ramp is either closed (users) or open (rate)`);
    return undefined;
  }
  if (st.reduce((a, s) => a + s.duration, 0) <= 0) problems.push(`${p}stages: expected a total duration > 0, got 0s`);
  const kind = [...kinds][0];
  if (kind === 'rate' && st.every((s) => (s.rate ?? 0) === 0)) problems.push(`${p}stages: expected at least one stage with a rate > 0`);
  return kind;
}

/**
 * The most users the scenarios may run at once: closed models their peak,
 * open ones maxUsers. A LoadShape's peak is unknown before it runs; it counts as `shapeUsers`.
 */
export function peakUsers(scenarios: ScenarioConfig[], shapeUsers: number): number {
  return scenarios.reduce((a, s) => a + (s.executor === 'load-shape' ? shapeUsers : s.maxUsers), 0);
}
