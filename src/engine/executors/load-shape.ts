import type { Executor } from './executor.js';
import { loadShapeSpec } from '../../config/executors/load-shape.js';

/** How often the shape is asked; Locust asks every second. */
const TICK_MS = 1000;
/** How often users move towards the shape's target between ticks. */
const STEP_MS = 100;
/**
 * Users are taken from the class mix of at least this many, so the mix of the
 * first n stays put as the shape moves (no user changes class on the way).
 */
const MIX_USERS = 1000;

/**
 * Locust's LoadTestShape: the scenario's LoadShape says, about every second,
 * how many users to run and how fast to get there; null ends the scenario.
 * Users move towards the target at the spawn rate, up or down.
 */
export const loadShape = {
  name: loadShapeSpec.name,
  matches: (_cfg, s) => s.executor === loadShapeSpec.name,
  validate: () => [],
  async run(ctx) {
    const shape = ctx.shape!;
    let current = 0;
    let mix = MIX_USERS;
    for (;;) {
      const tickAt = ctx.elapsedMs();
      shape.runTime = tickAt / 1000;
      const want = shape.tick(tickAt / 1000);
      if (want === null || want === undefined) return 'shape finished';
      const target = Math.max(0, Math.floor(want.users));
      const rate = want.spawnRate !== undefined && want.spawnRate > 0 ? want.spawnRate : Infinity;
      const classes = want.userClasses?.length ? want.userClasses : undefined;
      mix = Math.max(mix, target);
      const from = current;
      for (;;) {
        const now = ctx.elapsedMs();
        // As constant-users: the first user of a step moves at once, then one every 1/rate s.
        const moved = Number.isFinite(rate) ? Math.floor(((now - tickAt) / 1000) * rate) + 1 : Infinity;
        current = target > from ? Math.min(target, from + moved) : Math.max(target, from - moved);
        ctx.setUsers(current, mix, classes);
        const nextTick = tickAt + TICK_MS;
        if (now >= nextTick) break;
        const wait = current === target ? nextTick - now : Math.min(nextTick - now, STEP_MS);
        if (await ctx.sleep(Math.max(1, wait))) return;
      }
    }
  },
} satisfies Executor;
