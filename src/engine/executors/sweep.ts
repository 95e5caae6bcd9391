import type { RunConfig } from '../../config/resolve.js';
import { stageLabel, sweptBatchSizes } from '../../metrics/stage-label.js';
import type { Executor, ExecutorContext } from './executor.js';

function trafficList(cfg: RunConfig): string[] {
  const t = cfg.extra.traffic;
  if (t === undefined) return [''];
  return Array.isArray(t) ? t : [t];
}

/** A GenAI Bench sweep: levels of concurrency, several traffic shapes, or several batch sizes. */
export function isSweep(cfg: RunConfig): boolean {
  return (
    cfg.extra.concurrency !== undefined ||
    (Array.isArray(cfg.extra.traffic) && cfg.extra.traffic.length > 1) ||
    (Array.isArray(cfg.extra.batchSize) && cfg.extra.batchSize.length > 1)
  );
}

/**
 * After the users were set to 0: waits until every worker has no user left,
 * those finishing their last task included, or the grace period ends. The
 * stage's last requests are then all in before the next stage (or the end)
 * flushes the workers. Resolves true if the run stopped meanwhile.
 */
async function drain(ctx: ExecutorContext, graceMs: number, users: number): Promise<boolean> {
  if (users === 0) return false;
  let gone = false;
  void ctx.usersGone().then(() => (gone = true));
  const until = ctx.elapsedMs() + graceMs;
  while (!gone && ctx.elapsedMs() < until) {
    if (await ctx.sleep(20)) return true;
  }
  return false;
}

/**
 * GenAI Bench's sweep: every (concurrency, traffic) pair in turn, each stage
 * bounded by --max-requests-per-stage and/or --max-time-per-stage, with an
 * optional warm-up whose figures are dropped. Users are drained between stages
 * so a stage's requests all started under its own concurrency. The request cap
 * is enforced in the workers (pool/stage-budget.ts): once a stage has its
 * requests no user starts another task; tasks in flight finish.
 */
export const sweep = {
  name: 'sweep',
  matches: isSweep,
  validate(cfg) {
    const problems: string[] = [];
    if (cfg.extra.maxRequestsPerStage === undefined && cfg.extra.maxTimePerStage === undefined && cfg.durationMs === undefined) {
      problems.push('a sweep (--concurrency or several --traffic) needs --max-requests-per-stage and/or --max-time-per-stage to bound each stage');
    }
    return problems;
  },
  async run(ctx) {
    const { cfg } = ctx;
    const levels = cfg.extra.concurrency ?? [cfg.users || 1];
    const maxReq = cfg.extra.maxRequestsPerStage;
    const maxTime = cfg.extra.maxTimePerStage;
    const warmupMs = cfg.extra.warmup ?? 0;
    const traffic = trafficList(cfg);
    const top = Math.max(...levels);
    const batches = sweptBatchSizes(cfg.extra.batchSize);
    const count = traffic.length * batches.length * levels.length;
    let index = 0;
    for (const t of traffic) {
      for (const b of batches) for (const c of levels) {
        index++;
        const label = stageLabel(c, t, b);
        if (t) ctx.postAll({ type: 'extra', extra: { trafficOverride: t } });
        if (b !== undefined) ctx.postAll({ type: 'extra', extra: { batchSizeOverride: b } });
        if (warmupMs > 0) {
          await ctx.beginStage({ name: `${label} (warm-up)`, concurrency: c, traffic: t || undefined, batchSize: b, warmup: true, index, count });
          ctx.setUsers(c, top);
          if (await ctx.sleep(warmupMs)) return;
        }
        // Stages keep the plan's concurrency in their names (bench merge matches them by name);
        // with --segment this instance runs its share of the users and of the requests.
        const stageRequests = maxReq === undefined ? undefined : ctx.share(maxReq);
        await ctx.beginStage({ name: label, concurrency: c, traffic: t || undefined, batchSize: b, index, count, maxRequests: stageRequests });
        const mine = ctx.setUsers(c, top);
        const started = ctx.elapsedMs();
        let gone = false;
        void ctx.usersGone().then(() => (gone = true));
        for (;;) {
          // A segment with no user at this level has nothing to wait for; nor has a stage whose users all stopped themselves.
          if ((mine === 0 && maxTime === undefined) || gone) break;
          if (stageRequests !== undefined && ctx.stageRequests() >= stageRequests) break;
          if (maxTime !== undefined && ctx.elapsedMs() - started >= maxTime) break;
          if (await ctx.sleep(20)) return;
        }
        ctx.setUsers(0, top);
        if (await drain(ctx, cfg.stopTimeoutMs, mine)) return;
      }
    }
    // The last stage stays open: what its users finish while the run stops is its own (and in the totals).
    ctx.stop('sweep finished');
  },
} satisfies Executor;
