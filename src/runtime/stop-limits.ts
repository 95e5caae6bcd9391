/**
 * After the grace and the abort, how long users get to return before their
 * tasks are counted as aborted. Its own module: the main thread reads it
 * (engine/stop-workers.ts) without loading the worker runtime.
 */
export const ABANDON_AFTER_MS = 500;
