import type { ScenarioConfig } from '../config/load-models.js';
import type { RunConfig } from '../config/resolve.js';
import type { Segment } from '../config/segment.js';
import { segmentShare } from './segment.js';
import { UserError } from '../errors.js';
import { isOpenModel } from './executors/index.js';
import { splitEvenly } from './plan.js';

/**
 * How big this instance is: its workers and their connection pools, sized
 * from its segment's share of the plan (the whole plan without --segment).
 */

/** Workers for the most users this instance's models will run at once; a LoadShape may use every worker. */
export function workerCountFor(cfg: RunConfig, scenarios: readonly ScenarioConfig[], seg?: Segment): number {
  const share = (n: number) => segmentShare(n, seg);
  const peak = scenarios.reduce((a, s) => a + (s.executor === 'load-shape' ? cfg.workers : share(s.maxUsers)), 0);
  return Math.max(1, Math.min(cfg.workers, Math.max(1, peak, ...(cfg.extra.concurrency ?? []).map(share))));
}

/**
 * Users worker `i` of `W` may hold at once, which caps its connections: its
 * share of every scenario's peak (closed users go round robin, so ceil; an
 * unknown LoadShape peak counts as 10,000 over all workers).
 */
export function usersOnWorker(cfg: RunConfig, scenarios: readonly ScenarioConfig[], seg: Segment | undefined, i: number, W: number): number {
  const share = (n: number) => segmentShare(n, seg);
  const c = cfg.extra.concurrency;
  let n = c ? Math.ceil(share(Math.max(...c)) / W) : 0;
  for (const s of scenarios) {
    if (isOpenModel(s)) n += splitEvenly(share(s.maxUsers), W)[i]!;
    else n += Math.ceil(share(s.executor === 'load-shape' ? 10_000 : s.maxUsers) / W);
  }
  return Math.max(1, n);
}

/**
 * Refuses a segment that holds none of a closed scenario's users but some of
 * its shared iterations: no user could run them, and the scenario would wait for ever.
 */
export function checkSegmentPlan(scenarios: readonly ScenarioConfig[], seg: Segment | undefined): void {
  if (!seg) return;
  for (const s of scenarios) {
    if (s.iterations === undefined || isOpenModel(s) || s.executor === 'load-shape') continue;
    const iterations = segmentShare(s.iterations, seg);
    if (iterations > 0 && segmentShare(s.maxUsers, seg) === 0) {
      const what = s.name === 'default' ? 'the plan' : `scenario ${s.name}`;
      throw new UserError(
        `--segment ${seg.text} runs none of the ${s.maxUsers} user(s) of ${what} but ${iterations} of its iterations, which no user could run`,
        'give at least as many users as there are segments, or use fewer segments',
        'E_SEGMENT',
      );
    }
  }
}
