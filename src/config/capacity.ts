import * as z from 'zod';
import { UserError } from '../errors.js';
import { parseThreshold, type Threshold } from '../thresholds/index.js';
import { duration, ratePerSec } from './executors/keys.js';
import { formatRate, parseRatePerSec } from './rate.js';
import type { ParsedOptions } from './schema.js';

/**
 * The options of the capacity search (--find-capacity), rate sweeps
 * (--rate-sweep) and over-saturation (--stop-over-saturated): docs/capacity.md.
 * Spread into the options schema; kept here so the search's options and their
 * defaults are read in one place.
 */
export const capacityOptionKeys = {
  /** Search the arrival rate (or, with by: 'users', the users) for the highest level meeting every --slo. */
  findCapacity: z.boolean(),
  by: z.enum(['rate', 'users']),
  /** The search's first level: an arrival rate (by rate) or users (by users). */
  startRate: ratePerSec,
  /** The search's highest level (by rate). */
  maxRate: ratePerSec,
  /** The search's highest level in its own unit (requests/s by rate, users by users). */
  maxLevel: z.number().positive(),
  stepTime: duration,
  stepWarmup: duration,
  /** The bisection stops once the gap between the last passing and first failing level is at most this share of the first: 0.05 or '5%'. */
  capacityPrecision: z.union([z.number(), z.string()]).transform((v, ctx) => {
    const x = typeof v === 'number' ? v : /%\s*$/.test(v) ? Number(v.replace('%', '')) / 100 : Number(v);
    if (!(Number.isFinite(x) && x > 0 && x < 1)) {
      ctx.addIssue({ code: 'custom', message: `expected a share between 0 and 1 such as 5% or 0.05, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return x;
  }),
  maxSteps: z.number().int().min(2),
  /** One stage per arrival rate, e.g. '10/s,20/s,40/s'. */
  rateSweep: z.union([z.array(z.union([z.string(), z.number()])), z.string()]).transform((v, ctx) => {
    const items = Array.isArray(v) ? v : v.split(',').map((s) => s.trim()).filter(Boolean);
    const rates = items.map((x) => parseRatePerSec(x));
    if (!rates.length || rates.some((r) => r === undefined || r <= 0)) {
      ctx.addIssue({ code: 'custom', message: `expected a list of arrival rates like 10/s,20/s,40/s, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return rates as number[];
  }),
  /** End a run, a sweep after its stage, when it over-saturates (docs/capacity.md). */
  stopOverSaturated: z.boolean(),
};

/** The search as resolved: objectives parsed, defaults applied. */
export interface CapacityPlan {
  by: 'rate' | 'users';
  objectives: Threshold[];
  startLevel: number;
  maxLevel: number;
  stepMs: number;
  warmupMs: number;
  /** Stop the bisection when (firstFail − lastPass) ≤ precision × lastPass. */
  precision: number;
  maxSteps: number;
}

export const CAPACITY_DEFAULTS = { stepMs: 20_000, warmupMs: 5_000, precision: 0.05, maxSteps: 20, maxRate: 1000, maxUsers: 256 } as const;

/** The SLO names of the LLM figures that `--slo` may give without their `llm.` prefix. */
const LLM_SHORT = ['ttft', 'ttfct', 'tpot', 'itl', 'e2e', 'output_speed'];

/**
 * One objective in the thresholds' syntax: `ttft.p95<500ms` is short for
 * `llm.ttft.p95<500ms`, `errors<1%` for `http.errors.rate<1%`; the rest
 * (`http.p99<300ms`, `endpoint["GET /"].p95<1s`, `llm.tpot.p95<50ms`) is as in --threshold.
 */
export function sloExpression(item: string): string {
  const t = item.trim();
  const head = /^([a-z_]+)/i.exec(t)?.[1]?.toLowerCase() ?? '';
  if (LLM_SHORT.includes(head)) return `llm.${t}`;
  if (head === 'errors' && !t.slice(head.length).trimStart().startsWith('.')) return `http.errors.rate${t.slice(head.length)}`;
  return t;
}

/** Splits a list at commas outside brackets and quotes (an endpoint name may hold a comma). */
export function splitSloList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (const ch of text) {
    if (quote) quote = ch === quote ? '' : quote;
    else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[') depth++;
    else if (ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

/** Parses --slo as the search's objectives; a UserError naming --slo and the bad part (exit 2). */
export function parseCapacitySlos(text: string | undefined): Threshold[] {
  if (text === undefined || !text.trim()) {
    throw new UserError('--find-capacity needs --slo: the objectives every level must meet', "e.g. --slo 'http.p99<300ms,errors<1%' or --slo 'ttft.p95<500ms,tpot.p95<50ms'");
  }
  return splitSloList(text).map((item) => {
    const t = parseThreshold(sloExpression(item), '--slo');
    t.expression = item;
    return t;
  });
}

/**
 * The search's plan from the options, or undefined without --find-capacity.
 * Throws a UserError for what the options cannot check alone.
 */
export function capacityPlan(o: ParsedOptions): CapacityPlan | undefined {
  if (!o.findCapacity) return undefined;
  const by = o.by ?? 'rate';
  if (o.concurrency !== undefined || o.rateSweep !== undefined) throw new UserError('--find-capacity: not with --concurrency or --rate-sweep', 'the search chooses its own levels; drop the sweep');
  const stepMs = o.stepTime ?? CAPACITY_DEFAULTS.stepMs;
  if (stepMs <= 0) throw new UserError('--step-time: expected a duration above 0, e.g. 20s');
  const maxLevel = o.maxLevel ?? (by === 'rate' ? (o.maxRate ?? CAPACITY_DEFAULTS.maxRate) : CAPACITY_DEFAULTS.maxUsers);
  const startLevel = o.startRate ?? 1;
  if (!(startLevel > 0)) throw new UserError(`--start-rate: expected a level above 0, got ${by === 'rate' ? formatRate(startLevel) : startLevel}`);
  if (startLevel > maxLevel) throw new UserError(`--start-rate: ${startLevel} is above the search's highest level ${maxLevel}`, 'raise --max-rate (--max-level) or lower --start-rate');
  if (by === 'users' && (!Number.isInteger(startLevel) || !Number.isInteger(maxLevel))) throw new UserError('--by users: --start-rate and --max-level are numbers of users, expected whole numbers');
  return {
    by,
    objectives: parseCapacitySlos(o.slo),
    startLevel,
    maxLevel,
    stepMs,
    warmupMs: o.stepWarmup ?? Math.min(CAPACITY_DEFAULTS.warmupMs, stepMs / 4),
    precision: o.capacityPrecision ?? CAPACITY_DEFAULTS.precision,
    maxSteps: o.maxSteps ?? CAPACITY_DEFAULTS.maxSteps,
  };
}

/**
 * The command-line layer with the load model the search or the rate sweep
 * runs: an open model sized for its highest rate, or a closed one of its
 * highest users. The model keys of the scenario and the config file then give way (load-models.ts).
 */
export function searchModelLayer(merged: ParsedOptions, cli: ParsedOptions): ParsedOptions {
  const plan = merged.findCapacity ? capacityPlan(merged) : undefined;
  const what = plan ? '--find-capacity' : merged.rateSweep !== undefined ? '--rate-sweep' : undefined;
  if (!what) return cli;
  if (merged.segment !== undefined && plan) throw new UserError('--find-capacity: not with --segment; the search decides each step from one instance\'s figures', 'run the search on one machine (with enough --workers)');
  const sets = plan?.by === 'users' ? 'users' : 'rate';
  const clash = (['users', 'rate', 'stages', 'shape'] as const).filter((k) => cli[k] !== undefined);
  if (clash.length) {
    const flags = clash.map((k) => (k === 'users' ? '-u/--users' : k === 'stages' ? '--stage' : `--${k}`)).join(', ');
    throw new UserError(`${what}: not with ${flags}; it sets the ${sets} itself`, plan ? (sets === 'rate' ? 'leave them out (bound the search with --max-rate), or search the users with --by users' : 'leave them out (bound the search with --max-level)') : 'leave them out: each stage runs one rate of the list');
  }
  if (!plan) return { ...cli, rate: Math.max(...merged.rateSweep!) };
  return plan.by === 'rate' ? { ...cli, rate: plan.maxLevel } : { ...cli, users: plan.maxLevel };
}
