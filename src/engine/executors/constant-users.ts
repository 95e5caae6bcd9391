import type { Executor } from './executor.js';
import { constantUsersSpec } from '../../config/executors/constant-users.js';

/**
 * The closed model of Locust: `users` users, started at `spawnRate` per second
 * across all workers. The engine ends it at the scenario's duration or
 * iterations; with iterationsPerUser it ends once every user ran its share,
 * and in any case once every user ended itself (StopUser).
 */
export const constantUsers = {
  name: constantUsersSpec.name,
  matches: (_cfg, s) => s.executor === constantUsersSpec.name,
  validate: () => [],
  async run(ctx) {
    const s = ctx.scenario;
    const total = s.users;
    if (total === 0 && s.durationMs === undefined) return 'no users to run';
    const spawnAll = !Number.isFinite(s.spawnRate);
    let running = 0;
    while (running < total) {
      const due = spawnAll ? total : Math.min(total, Math.floor((ctx.elapsedMs() / 1000) * s.spawnRate) + 1);
      if (due !== running) {
        running = due;
        ctx.setUsers(running, total);
      }
      if (running >= total) break;
      const nextAtMs = (running / s.spawnRate) * 1000;
      if (await ctx.sleep(Math.max(1, nextAtMs - ctx.elapsedMs()))) return;
    }
    // All users started: none will start again, so once none is left (each ended itself) the scenario is over.
    const gone = ctx.usersGone().then(() => 'all users stopped');
    const stopped = ctx.stopped.then(() => undefined);
    if (s.iterationsPerUser !== undefined) return Promise.race([ctx.usersRetired(total).then(() => 'iterations done'), gone, stopped]);
    return Promise.race([gone, stopped]);
  },
} satisfies Executor;
