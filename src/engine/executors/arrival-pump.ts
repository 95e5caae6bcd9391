import { ArrivalSchedule, constantRateProfile, type RateSegment } from '../schedule/arrivals.js';
import { deriveSeed } from '../../util/random.js';
import type { ExecutorContext } from './executor.js';

/** How far ahead of time arrivals are sent to the workers. */
const LEAD_MS = 1000;
/** How often the main thread tops the workers' queues up. */
const PUMP_MS = 200;
/** How long after a rate change arrivals of the previous rate may still come (those already sent): a step's least warm-up. */
export const RATE_CHANGE_LAG_MS = LEAD_MS + PUMP_MS;

/** A stable number for a scenario name, so each scenario has its own random arrivals. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Plans the open model on the main thread: the global arrival times of the
 * profile (evenly spaced, or gamma gaps with the scenario's burstiness), sent
 * about a second ahead and dealt round robin over the workers, which fire them
 * on time. Resolves when the profile's time is over (a finite profile) or
 * never (the scenario's duration, iterations or the run's end stop it).
 */
export async function pumpArrivals(ctx: ExecutorContext, profile: RateSegment[], endReason: string): Promise<string | void> {
  const s = ctx.scenario;
  const first = new ArrivalSchedule(profile, { burstiness: s.burstiness, seed: deriveSeed(ctx.cfg.seed, nameHash(s.name)), limit: s.iterations });
  const endMs = profile.reduce((a, seg) => a + seg.durationMs, 0);
  const batch: number[] = [];
  let schedule = first;
  /** The current schedule's times count from this offset (a live rate change starts a new one). */
  let offsetMs = 0;
  let sent = 0;
  let lastSentMs = -Infinity;
  let rateVersion = 0;
  for (;;) {
    const live = ctx.liveRate?.();
    if (live && live.version !== rateVersion) {
      rateVersion = live.version;
      // The arrivals already sent stay; the new rate goes on one gap after the last of them, so no burst and no hole.
      offsetMs = Math.max(ctx.elapsedMs(), lastSentMs + 1000 / live.ratePerSec);
      const left = s.iterations !== undefined ? Math.max(0, s.iterations - sent) : undefined;
      schedule = new ArrivalSchedule(constantRateProfile(live.ratePerSec, Math.max(0, endMs - offsetMs)), { burstiness: s.burstiness, seed: deriveSeed(ctx.cfg.seed, nameHash(s.name) + rateVersion), limit: left });
    }
    batch.length = 0;
    schedule.takeUntil(ctx.elapsedMs() + LEAD_MS - offsetMs, batch);
    if (offsetMs) for (let k = 0; k < batch.length; k++) batch[k]! += offsetMs;
    if (batch.length) lastSentMs = batch[batch.length - 1]!;
    sent += batch.length;
    const done = schedule.done;
    ctx.sendArrivals(batch, done);
    if (done) break;
    if (await ctx.sleep(PUMP_MS)) return;
  }
  // The workers hold the last arrivals; a profile with an end is over at its end.
  if (Number.isFinite(endMs) && s.iterations === undefined) {
    if (await ctx.sleep(endMs - ctx.elapsedMs())) return;
    return endReason;
  }
  await ctx.stopped;
}

/** For a pump run beside a model's own loop (rate sweep, capacity search): a pump that throws stops the run, saying why (never an unhandled rejection). */
export const pumpFailed = (ctx: ExecutorContext) => (err: unknown): void => ctx.stop(`the arrival schedule failed: ${err instanceof Error ? err.message : String(err)}`);
