import type { RunConfig } from '../../config/resolve.js';
import { formatRate } from '../../config/rate.js';
import type { CapacityStep, CapacitySummary } from '../../metrics/summary-types.js';
import { rateStageLabel } from '../../metrics/stage-label.js';
import { CapacitySearch } from '../capacity/search.js';
import { judgeStep, worstFailure } from '../capacity/objectives.js';
import { constantRateProfile } from '../schedule/arrivals.js';
import { pumpArrivals, pumpFailed, RATE_CHANGE_LAG_MS } from './arrival-pump.js';
import type { Executor, ExecutorContext } from './executor.js';

const levelText = (by: 'rate' | 'users', level: number): string => (by === 'rate' ? formatRate(level) : `${level} users`);
/** A step's stage name: `rate=40/s` or `c=8` (the concurrency sweep's names). */
export const stepLabel = (by: 'rate' | 'users', level: number): string => (by === 'rate' ? rateStageLabel(level) : `c=${level}`);

function figuresText(step: CapacityStep): string {
  return Object.entries(step.figures).map(([k, v]) => `${k.replace(/[<>=].*$/, '')}=${v ?? '–'}`).join(' ');
}

/**
 * --find-capacity (docs/capacity.md): steps of --step-time at one level each,
 * a warm-up of --step-warmup first (dropped), each judged on its own figures
 * against every --slo and the over-saturation rule; the next level comes from
 * the verdicts (capacity/search.ts). By rate it drives the open model's rate,
 * by users the closed model's users. The answer goes to summary.capacity.
 */
export const capacitySearch = {
  name: 'capacity-search',
  matches: (cfg: RunConfig) => cfg.capacity !== undefined,
  validate: () => [],
  async run(ctx) {
    const plan = ctx.cfg.capacity!;
    const { by } = plan;
    const search = new CapacitySearch({ ...plan, whole: by === 'users' });
    // By rate, arrivals of the previous level were sent up to a second ahead: the warm-up covers them.
    const warmupMs = by === 'rate' ? Math.max(plan.warmupMs, RATE_CHANGE_LAG_MS) : plan.warmupMs;
    const steps: CapacityStep[] = [];
    let pump: Promise<unknown> | undefined;
    let level = search.next();
    let stopped = false;
    while (level !== undefined) {
      const index = steps.length + 1;
      const label = stepLabel(by, level);
      // After a failing step the target first works off its backlog, or the next step would measure it (drainBacklog).
      const previous = steps.at(-1);
      if (previous && !previous.passed) {
        await ctx.beginStage({ name: `${label} (cool-down)`, warmup: true, index });
        if ((stopped = await drainBacklog(ctx, by, plan))) break;
      }
      await ctx.beginStage({ name: `${label} (warm-up)`, warmup: true, index, ...(by === 'rate' ? { ratePerSec: level } : { concurrency: level }) });
      setLevel(ctx, by, level, plan.maxLevel);
      if (by === 'rate' && !pump) pump = pumpArrivals(ctx, constantRateProfile(level), 'capacity search finished').catch(pumpFailed(ctx));
      if (warmupMs > 0 && (stopped = await ctx.sleep(warmupMs))) break;
      await ctx.beginStage({ name: label, index, ...(by === 'rate' ? { ratePerSec: level } : { concurrency: level }) });
      if ((stopped = await ctx.sleep(plan.stepMs))) break;
      // Opening the next (dropped) stage closes this one: its figures are then complete.
      await ctx.beginStage({ name: `${label} (judging)`, warmup: true, index });
      const stage = ctx.lastStage?.();
      if (!stage) break;
      const step = judgeStep(level, stage, plan.objectives);
      steps.push(step);
      search.record(level, step.passed);
      ctx.note?.(`capacity step ${index} at ${levelText(by, level)}: ${step.passed ? 'passed' : `failed (${step.failed.join(', ')})`}; ${figuresText(step)}${step.saturated ? `; saturated: ${step.saturation!.join('; ')}` : ''}`);
      level = search.next();
      // The search so far, for the live views and for a summary written before the search ends (a second Ctrl-C).
      if (level !== undefined) ctx.reportCapacity?.(answer(search, steps, plan, true));
    }
    const capacity = answer(search, steps, plan, stopped);
    ctx.reportCapacity?.(capacity);
    ctx.note?.(capacity.message);
    void pump;
    ctx.stop(stopped ? 'stopped during the capacity search' : 'capacity search finished');
  },
} satisfies Executor;

/**
 * The cool-down after a failing step: arrivals pause (by rate; by users the
 * users drop to the start level) until no request completed for a snapshot
 * interval and a half (the backlog is gone), at most 3 × (step + warm-up).
 * Resolves true when the run stopped meanwhile.
 */
async function drainBacklog(ctx: ExecutorContext, by: 'rate' | 'users', plan: NonNullable<RunConfig['capacity']>): Promise<boolean> {
  if (by === 'users') {
    ctx.setUsers(Math.min(plan.startLevel, plan.maxLevel), plan.maxLevel);
    return ctx.sleep(plan.warmupMs);
  }
  // A rate this low sends nothing for hours: the arrivals already sent (a second ahead) still come.
  ctx.setRate?.(1e-6);
  const quietMs = ctx.cfg.snapshotIntervalMs * 1.5;
  const until = ctx.elapsedMs() + 3 * (plan.stepMs + plan.warmupMs);
  const earliest = ctx.elapsedMs() + 1000 + ctx.cfg.snapshotIntervalMs;
  let seen = -1;
  let sameSince = ctx.elapsedMs();
  while (ctx.elapsedMs() < until) {
    const done = ctx.stageRequests();
    if (done !== seen) {
      seen = done;
      sameSince = ctx.elapsedMs();
    } else if (ctx.elapsedMs() >= earliest && ctx.elapsedMs() - sameSince >= quietMs) return false;
    if (await ctx.sleep(100)) return true;
  }
  return false;
}

function setLevel(ctx: ExecutorContext, by: 'rate' | 'users', level: number, maxLevel: number): void {
  if (by === 'rate') ctx.setRate?.(level);
  else ctx.setUsers(level, maxLevel);
}

/** The answer with its confidence: the bracket [lastPass, firstFail), and what gave out first. */
function answer(search: CapacitySearch, steps: CapacityStep[], plan: NonNullable<RunConfig['capacity']>, stopped: boolean): CapacitySummary {
  const { by } = plan;
  const lastPass = search.lastPass ?? null;
  const firstFail = search.firstFail ?? null;
  const failStep = firstFail === null ? undefined : steps.find((s) => s.level === firstFail);
  // The objective that gave out at the lowest level where one did; over-saturation alone only when no objective failed.
  const objectiveFail = steps.filter((s) => s.failed.some((f) => f !== 'saturated')).sort((a, b) => a.level - b.level)[0];
  const failedFirst = objectiveFail ? worstFailure(objectiveFail, plan.objectives) : failStep ? worstFailure(failStep, plan.objectives) : undefined;
  const outcome: CapacitySummary['outcome'] = stopped && !search.converged ? 'stopped' : search.outcome;
  const unit = by === 'rate' ? 'requests/s' : 'users';
  const fmt = (x: number) => levelText(by, x);
  const at = (lvl: number | null) => (lvl === null ? '' : figuresText(steps.find((s) => s.level === lvl)!));
  let message: string;
  switch (outcome) {
    case 'lowest-fails':
      message = `capacity not found: even the lowest level, ${fmt(plan.startLevel)}, failed (${failStep?.failed.join(', ')}); lower --start-rate or relax --slo`;
      break;
    case 'max-reached':
      message = `capacity is at least ${fmt(lastPass!)}: the highest level searched met every objective (${at(lastPass)}); raise ${by === 'rate' ? '--max-rate' : '--max-level'} to search further`;
      break;
    default: {
      const bracket = firstFail === null ? `at least ${fmt(lastPass!)}` : `${fmt(lastPass!)} (between ${fmt(lastPass!)} passing and ${fmt(firstFail)} failing, ±${Math.round(((firstFail - lastPass!) / lastPass!) * 1000) / 10}%)`;
      const why = outcome === 'found' ? '' : outcome === 'stopped' ? ' (the run stopped before the search converged)' : ' (--max-steps reached before the search converged)';
      message = `capacity: ${bracket}${why}; at it: ${at(lastPass)}${firstFail !== null ? `; at ${fmt(firstFail)}: ${at(firstFail)}; failed first: ${failedFirst}` : ''}`;
    }
  }
  if (outcome === 'stopped' && lastPass === null) message = 'capacity not found: the run stopped before any level passed';
  return {
    value: lastPass,
    unit,
    by,
    outcome,
    ...(failedFirst !== undefined && { failedFirst }),
    lastPass,
    firstFail,
    ...(lastPass !== null && firstFail !== null && { gap: Math.round(((firstFail - lastPass) / lastPass) * 1e4) / 1e4 }),
    objectives: plan.objectives.map((t) => t.expression),
    message,
    steps,
  };
}
