import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { parseDurationMs } from './duration.js';
import { formatRate, parseRatePerSec } from './rate.js';

/**
 * Load models (docs/load-models.md): how many users run, or how many
 * iterations arrive per second, over time, per scenario. This file has the
 * option schemas and turns the merged options into one `ScenarioConfig` per
 * scenario, checking every cross-field rule and listing all problems at once.
 */

// Local copies of two small schemas of ./schema.ts, which imports this file.
const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDurationMs(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like 90s, 5m or 1h, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return ms;
});
const list = z.union([z.array(z.string()), z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))]);

/** An arrival rate: '50/s', '3000/m', '1/2s', or a number per second; parsed to arrivals per second. */
export const ratePerSec = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const r = parseRatePerSec(v);
  if (r === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a rate like 50/s, 3000/m or 1/2s, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return r;
});

const stage = z.object({ duration, users: z.number().int().min(0).optional(), rate: ratePerSec.optional() }).strict();

/** `'30s:100,1m:100,30s:0'` (users) or `'1m:50/s,30s:0/s'` (rates), as k6's --stage. */
function parseStageList(text: string): Array<{ duration: string | number; users?: number; rate?: string | number }> {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const i = s.indexOf(':');
      const d = i === -1 ? s : s.slice(0, i);
      const target = i === -1 ? '' : s.slice(i + 1).trim();
      if (target.includes('/')) return { duration: d, rate: target };
      return { duration: d, users: target === '' || !/^\d+$/.test(target) ? (target as unknown as number) : Number(target) };
    });
}

const stages = z.preprocess((v) => (typeof v === 'string' ? parseStageList(v) : v), z.array(stage));

/** The keys that choose a load model; the highest option source that sets any of them wins whole. */
const MODEL_SELECTORS = ['users', 'stages', 'rate', 'shape', 'scenarios'] as const;

/** Names of the load models, as in summary.json and `executor:` of a scenario. */
export const EXECUTOR_NAMES = ['constant-users', 'ramping-users', 'load-shape', 'constant-arrival-rate', 'ramping-arrival-rate'] as const;
export type ExecutorName = (typeof EXECUTOR_NAMES)[number];

/** Keys of one load model, at the top level or in a scenario. */
const modelKeys = {
  stages,
  rate: ratePerSec,
  arrivals: z.enum(['uniform', 'poisson']),
  burstiness: z.number().positive(),
  maxUsers: z.number().int().positive(),
  preAllocatedUsers: z.number().int().min(0),
  iterationsPerUser: z.number().int().positive(),
  correctCoordinatedOmission: z.boolean(),
  shape: z.string().min(1),
};

/** One entry of `scenarios`: its own load model, start time, classes and tags. */
const scenarioEntry = z
  .object({
    ...modelKeys,
    executor: z.enum(EXECUTOR_NAMES),
    users: z.number().int().min(0),
    spawnRate: z.number().positive(),
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
type StageInput = z.output<typeof stage>;

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

/** Users of the open model when `maxUsers` is not given: enough for iterations of up to 10 s. */
export function defaultMaxUsers(peakRatePerSec: number): number {
  return Math.min(10_000, Math.max(100, Math.ceil(peakRatePerSec * 10)));
}

/** Users started before the first arrival when `preAllocatedUsers` is not given: a tenth of a second's arrivals. */
export function defaultPreAllocatedUsers(peakRatePerSec: number, maxUsers: number): number {
  return Math.min(maxUsers, Math.max(1, Math.ceil(peakRatePerSec / 10)));
}

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
  const open = o.rate !== undefined || stageKind === 'rate';
  const executor: ExecutorName =
    o.shape !== undefined || (o.executor === 'load-shape' && chosen.length === 0) ? 'load-shape'
    : stageKind === 'users' ? 'ramping-users'
    : stageKind === 'rate' ? 'ramping-arrival-rate'
    : o.rate !== undefined ? 'constant-arrival-rate'
    : 'constant-users';
  if (o.executor !== undefined && o.executor !== executor) {
    problems.push(`${p}executor: the options given make a ${executor} model, got ${JSON.stringify(o.executor)}; ${hintFor(o.executor)}`);
  }
  if (o.rate !== undefined && o.rate <= 0) problems.push(`${p}rate: expected an arrival rate > 0, got ${formatRate(o.rate)}`);
  if (!open) {
    for (const k of ['arrivals', 'burstiness', 'maxUsers', 'preAllocatedUsers'] as const) {
      if (o[k] !== undefined) problems.push(`${p}${k}: only for arrival-rate models (rate, or stages with rate); closed models size themselves with users`);
    }
  }
  if (o.arrivals === 'uniform' && o.burstiness !== undefined) problems.push(`${p}burstiness: needs random arrivals; remove arrivals: 'uniform' (burstiness alone makes gamma arrivals)`);
  if (o.maxUsers !== undefined && o.preAllocatedUsers !== undefined && o.preAllocatedUsers > o.maxUsers) {
    problems.push(`${p}preAllocatedUsers: expected at most maxUsers (${o.maxUsers}), got ${o.preAllocatedUsers}`);
  }
  if (o.spawnRate !== undefined && executor !== 'constant-users') problems.push(`${p}spawnRate: only for a constant number of users; ${executor} sets its own pace`);
  if (o.iterationsPerUser !== undefined) {
    if (executor !== 'constant-users') problems.push(`${p}iterationsPerUser: only for a constant number of users (k6's per-vu-iterations), not with ${executor}`);
    if (o.iterations !== undefined) problems.push(`${p}iterationsPerUser: not with iterations; choose per-user counts or a shared total`);
  }
  if (o.correctCoordinatedOmission && open) problems.push(`${p}correctCoordinatedOmission: open models already measure latency from the intended start; the correction is for closed models with constantPacing/constantThroughput`);
  if (problems.length > before) return undefined;

  const stagePlans = st?.map((s) => ({ durationMs: s.duration, target: (stageKind === 'users' ? s.users : s.rate) ?? 0 }));
  const peakRate = open ? (o.rate ?? Math.max(...stagePlans!.map((s) => s.target))) : 0;
  const maxUsers = open ? (o.maxUsers ?? defaultMaxUsers(peakRate)) : stageKind === 'users' ? Math.max(0, ...stagePlans!.map((s) => s.target)) : (o.users ?? 1);
  const random = o.burstiness !== undefined || o.arrivals === 'poisson';
  return {
    name,
    executor,
    users: open ? 0 : maxUsers,
    spawnRate: o.spawnRate ?? Infinity,
    stages: stagePlans,
    ratePerSec: o.rate,
    burstiness: open && random ? (o.burstiness ?? 1) : undefined,
    maxUsers,
    preAllocatedUsers: open ? (o.preAllocatedUsers ?? defaultPreAllocatedUsers(peakRate, maxUsers)) : 0,
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

function hintFor(executor: ExecutorName): string {
  switch (executor) {
    case 'constant-users':
      return 'give users (and spawnRate)';
    case 'ramping-users':
      return "give stages with users, e.g. [{ duration: '30s', users: 10 }]";
    case 'constant-arrival-rate':
      return "give rate, e.g. rate: '50/s'";
    case 'ramping-arrival-rate':
      return "give stages with rates, e.g. [{ duration: '30s', rate: '50/s' }]";
    case 'load-shape':
      return 'give shape: the name of an exported LoadShape class';
  }
}

/**
 * The most users the scenarios may run at once: closed models their peak,
 * open ones maxUsers. A LoadShape's peak is unknown before it runs; it counts as `shapeUsers`.
 */
export function peakUsers(scenarios: ScenarioConfig[], shapeUsers: number): number {
  return scenarios.reduce((a, s) => a + (s.executor === 'load-shape' ? shapeUsers : s.maxUsers), 0);
}
