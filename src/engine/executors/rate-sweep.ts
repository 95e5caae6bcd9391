import type { RunConfig } from '../../config/resolve.js';
import { rateStageLabel } from '../../metrics/stage-label.js';
import { constantRateProfile } from '../schedule/arrivals.js';
import { pumpArrivals, pumpFailed, RATE_CHANGE_LAG_MS } from './arrival-pump.js';
import type { Executor } from './executor.js';

/**
 * --rate-sweep 10/s,20/s,40/s (docs/capacity.md): the open model at each rate
 * in turn, one stage each (bounded by --max-time-per-stage), with the
 * sweep's --warmup first (dropped), summarized per stage as the concurrency
 * sweep is. With --stop-over-saturated the sweep ends after a saturated stage.
 */
export const rateSweep = {
  name: 'rate-sweep',
  matches: (cfg: RunConfig) => cfg.extra.rateSweep !== undefined && cfg.capacity === undefined,
  validate(cfg) {
    const problems: string[] = [];
    if (cfg.extra.maxTimePerStage === undefined) problems.push('a rate sweep (--rate-sweep) needs --max-time-per-stage to bound each stage');
    if (cfg.extra.concurrency !== undefined) problems.push('--rate-sweep: not with --concurrency; sweep the rate (open model) or the users (closed), one at a time');
    return problems;
  },
  async run(ctx) {
    const rates = ctx.cfg.extra.rateSweep!;
    const stageMs = ctx.cfg.extra.maxTimePerStage!;
    // Arrivals of the previous rate were sent up to a second ahead: each stage after the first warms up at least that long.
    const warmupFor = (i: number) => Math.max(ctx.cfg.extra.warmup ?? 0, i > 0 ? RATE_CHANGE_LAG_MS : 0);
    let pump: Promise<unknown> | undefined;
    for (const [i, rate] of rates.entries()) {
      const index = i + 1;
      const label = rateStageLabel(rate);
      const warmupMs = warmupFor(i);
      if (warmupMs > 0) {
        await ctx.beginStage({ name: `${label} (warm-up)`, warmup: true, index, count: rates.length, ratePerSec: rate });
        ctx.setRate?.(rate);
        pump ??= pumpArrivals(ctx, constantRateProfile(rate), 'rate sweep finished').catch(pumpFailed(ctx));
        if (await ctx.sleep(warmupMs)) return;
      }
      await ctx.beginStage({ name: label, index, count: rates.length, ratePerSec: rate });
      ctx.setRate?.(rate);
      pump ??= pumpArrivals(ctx, constantRateProfile(rate), 'rate sweep finished').catch(pumpFailed(ctx));
      if (await ctx.sleep(stageMs)) return;
    }
    void pump;
    // The last stage stays open: what its requests finish while the run stops is its own.
    ctx.stop('rate sweep finished');
  },
} satisfies Executor;
