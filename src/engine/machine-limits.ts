import type { ScenarioConfig } from '../config/load-models.js';
import type { RunConfig } from '../config/resolve.js';
import type { Segment } from '../config/segment.js';
import { segmentFraction, segmentShare } from './segment.js';
import { UserError } from '../errors.js';
import { isOpenModel } from './executors/index.js';

/**
 * The most users one instance of Volley runs at once. Measured on the 2-core
 * development machine (docs/load-models.md, "Limits of one machine"): 100,000
 * idle users took 0.67 GB and about 15 s to start; 1,000,000 went past 2.2 GB
 * without starting in 30 s. More users: split the plan with --segment.
 */
export const MAX_USERS_PER_INSTANCE = 100_000;

/**
 * The highest arrival rate one instance plans. Arrivals are planned about a
 * second ahead on the main thread: 1,000,000,000/s ran out of heap (a V8 fatal
 * error at 2 GB). At 100,000/s the 2-core machine already dropped 30% of the
 * arrivals, and the run said so.
 */
export const MAX_RATE_PER_SEC_PER_INSTANCE = 100_000;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Refuses, before any worker starts, a plan bigger than one machine can run:
 * users (closed models' peak, open models' maxUsers, a sweep's concurrency)
 * above MAX_USERS_PER_INSTANCE, or an arrival rate above
 * MAX_RATE_PER_SEC_PER_INSTANCE, in this instance's share (--segment). Names
 * every option at fault and the limit.
 */
export function checkMachineLimits(cfg: RunConfig, scenarios: readonly ScenarioConfig[], seg: Segment | undefined): void {
  const problems: string[] = [];
  const prefix = (s: ScenarioConfig) => (s.name === 'default' ? '--' : `scenarios.${s.name}.`);
  const users = (s: ScenarioConfig, key: string, n: number) => {
    const mine = segmentShare(n, seg);
    if (mine > MAX_USERS_PER_INSTANCE) {
      problems.push(`${prefix(s)}${key} ${fmt(n)}: ${seg ? `this instance's share is ${fmt(mine)} users; ` : ''}one machine runs at most ${fmt(MAX_USERS_PER_INSTANCE)} users`);
    }
  };
  for (const s of scenarios) {
    if (s.executor === 'load-shape') continue;
    if (isOpenModel(s)) {
      users(s, 'max-users', s.maxUsers);
      const peak = s.ratePerSec ?? Math.max(0, ...(s.stages ?? []).map((st) => st.target));
      const mine = peak * segmentFraction(seg);
      if (mine > MAX_RATE_PER_SEC_PER_INSTANCE) {
        const key = s.ratePerSec !== undefined ? 'rate' : 'stages';
        problems.push(`${prefix(s)}${key} ${fmt(peak)}/s: ${seg ? `this instance's share is ${fmt(mine)}/s; ` : ''}one machine plans at most ${fmt(MAX_RATE_PER_SEC_PER_INSTANCE)} arrivals per second`);
      }
    } else users(s, s.stages ? 'stages' : 'users', s.maxUsers);
  }
  const sweep = cfg.extra.concurrency;
  if (sweep && sweep.length > 0) {
    const peak = Math.max(...sweep);
    if (segmentShare(peak, seg) > MAX_USERS_PER_INSTANCE) problems.push(`--concurrency ${fmt(peak)}: one machine runs at most ${fmt(MAX_USERS_PER_INSTANCE)} users`);
  }
  if (problems.length === 0) return;
  throw new UserError(
    problems.length === 1 ? problems[0]! : `the plan is bigger than one machine runs:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    'split the plan over several machines with --segment (docs/distributed.md), each running its share; limits in docs/load-models.md, "Limits of one machine"',
  );
}
