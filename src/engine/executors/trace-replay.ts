import { loadTrace, traceArrivalTimes } from '../../workload/trace.js';
import type { Executor } from './executor.js';

/** How far ahead of time arrivals are sent to the workers (as arrival-pump.ts). */
const LEAD_MS = 1000;
/** How often the main thread tops the workers' queues up. */
const PUMP_MS = 200;

/**
 * Replays a timestamped trace (--trace) on the open model: record k arrives
 * at its timestamp (from the first record's, divided by --trace-speed),
 * whatever the target's speed, with its number, so the task sends that
 * record. Latency counts from the intended start, as for every open model.
 * --segment keeps this instance's share of the arrivals, as for a rate.
 * Ends once the last arrival fired and every task of it finished (the
 * engine's stop then grants in-flight requests the stop timeout), or at -t.
 */
export const traceReplay = {
  name: 'trace-replay',
  matches: (cfg, s) => s.name === 'default' && typeof cfg.extra.trace === 'string',
  validate: () => [],
  async run(ctx) {
    const trace = loadTrace(ctx.cfg.extra.trace!);
    const times = traceArrivalTimes(trace, ctx.cfg.extra.traceSpeed ?? 1);
    const batch: number[] = [];
    let k = 0;
    for (;;) {
      const until = ctx.elapsedMs() + LEAD_MS;
      batch.length = 0;
      while (k < times.length && times[k]! < until) batch.push(times[k++]!);
      const done = k >= times.length;
      ctx.sendArrivals(batch, done, true);
      if (done) break;
      if (await ctx.sleep(PUMP_MS)) return;
    }
    const finished = await Promise.race([ctx.arrivalsDone!().then(() => true), ctx.stopped.then(() => false)]);
    if (finished) return 'trace finished';
  },
} satisfies Executor;
