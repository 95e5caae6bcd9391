import type { Executor } from './executor.js';

/**
 * The closed model of Locust: `users` users, started at `spawnRate` per second
 * across all workers, until the duration, the iterations or a stop.
 */
export const constantUsers = {
  name: 'constant-users',
  matches: () => true,
  validate: () => [],
  async run(ctx) {
    const { cfg } = ctx;
    const total = cfg.users;
    if (total === 0 && cfg.durationMs === undefined) {
      ctx.stop('no users to run');
      return;
    }
    const spawnAll = !Number.isFinite(cfg.spawnRate);
    let running = 0;
    while (running < total) {
      const due = spawnAll ? total : Math.min(total, Math.floor((ctx.elapsedMs() / 1000) * cfg.spawnRate) + 1);
      if (due !== running) {
        running = due;
        ctx.setUsers(running, total);
      }
      if (running >= total) break;
      const nextAtMs = (running / cfg.spawnRate) * 1000;
      if (await ctx.sleep(Math.max(1, nextAtMs - ctx.elapsedMs()))) return;
    }
    if (cfg.durationMs !== undefined) {
      if (!(await ctx.sleep(cfg.durationMs - ctx.elapsedMs()))) ctx.stop('duration reached');
    }
  },
} satisfies Executor;
