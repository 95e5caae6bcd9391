/** Marks LoadShape subclasses, so the engine finds them in a scenario whatever copy of this module it loaded. */
export const IS_LOAD_SHAPE = Symbol.for('volley.isLoadShape');

/** What a LoadShape asks for at one moment. */
export interface ShapeTick {
  /** Users to run. */
  users: number;
  /** Users started (or stopped) per second on the way to `users`; default: all at once. */
  spawnRate?: number;
  /** Run only these user classes (their mix by weight); default: every class of the scenario. */
  userClasses?: string[];
}

/**
 * A custom closed load model (Locust's LoadTestShape): export a subclass from
 * the scenario and the engine calls `tick()` about once a second with the
 * seconds since the load started. Return the users to run and how fast to get
 * there, or `null` to end the run. Users above the target stop after their
 * current task. The shape runs on the main thread, once for all workers.
 * @example
 * export class Steps extends LoadShape {
 *   tick(t: number) {
 *     if (t > 60) return null;                       // stop after a minute
 *     return { users: 10 * (Math.floor(t / 15) + 1), spawnRate: 5 }; // +10 users every 15 s
 *   }
 * }
 */
export abstract class LoadShape {
  static readonly [IS_LOAD_SHAPE] = true;

  /** Seconds since the load started, as of the current tick (Locust's get_run_time()). */
  runTime = 0;

  /** The users wanted `elapsedSec` seconds into the run, or null to stop. */
  abstract tick(elapsedSec: number): ShapeTick | null;
}
