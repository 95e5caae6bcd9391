import { nextRampChangeMs, rampDurationMs, rampUsersAt } from '../schedule/ramp.js';
import type { Executor } from './executor.js';
import { rampingUsersSpec } from '../../config/executors/ramping-users.js';

/**
 * k6's ramping-vus: users follow the stages linearly from 0. Users above the
 * target stop after their current task (a graceful ramp-down); the scenario
 * ends with the last stage.
 */
export const rampingUsers = {
  name: rampingUsersSpec.name,
  matches: (_cfg, s) => s.executor === rampingUsersSpec.name,
  validate: () => [],
  async run(ctx) {
    const stages = ctx.scenario.stages!;
    const peak = ctx.scenario.users;
    const endMs = rampDurationMs(stages);
    let running = -1;
    for (;;) {
      const t = ctx.elapsedMs();
      if (t >= endMs) return 'stages done';
      const users = rampUsersAt(stages, t);
      if (users !== running) {
        running = users;
        ctx.setUsers(users, peak);
      }
      // Wake at the next change (plus a hair, so the rounding has moved), at least every second.
      const next = Math.min(nextRampChangeMs(stages, t), endMs, t + 1000);
      if (await ctx.sleep(Math.max(1, next - ctx.elapsedMs() + 0.5))) return;
    }
  },
} satisfies Executor;
