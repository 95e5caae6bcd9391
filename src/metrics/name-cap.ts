/**
 * The bound on distinct names per table (requests, checks, trends, counters):
 * `maxNames` (--max-names). A URL with an id in it and no `name` makes every
 * request a name of its own; past the cap, new names count in one folded row
 * per table (per method for requests), so the totals stay exact and memory
 * stays bounded.
 *
 * The rule across workers: each worker's recorder admits the first maxNames
 * names it sees, and the main thread's aggregate admits the first maxNames
 * names it receives; a name one side folded counts in the folded row there. So
 * the run never lists more than maxNames names, every request counts in
 * exactly one row (the totals are exact), and a name that was admitted
 * everywhere has exact figures. Only past the cap can a listed name's row miss
 * the requests that a worker with a full table counted under the folded row.
 */
export const DEFAULT_MAX_NAMES = 2000;

export const OTHER_NAMES = '(other names)';
export const OTHER_CHECKS = '(other checks)';
export const OTHER_TRENDS = '(other trends)';
export const OTHER_COUNTERS = '(other counters)';

/** The folded rows' names: never counted against the cap themselves. */
const FOLDED = new Set([OTHER_NAMES, OTHER_CHECKS, OTHER_TRENDS, OTHER_COUNTERS]);

/**
 * Names the engine itself records (LLM figures, schedule delay, dropped
 * iterations): always kept, whatever user code filled the table with first,
 * since summaries and thresholds read them by name.
 */
const ENGINE_NAMES = new Set(['schedule_delay', 'latency_from_intended', 'latency_corrected', 'dropped_iterations', 'arrivals_started']);
export const isEngineName = (name: string): boolean => name.startsWith('llm.') || ENGINE_NAMES.has(name);

export const isFoldedName = (name: string): boolean => FOLDED.has(name);

/** The names one table has admitted; `admit` says whether a name gets a row of its own. */
export class NameCap {
  private readonly admitted = new Set<string>();

  constructor(readonly maxNames: number = DEFAULT_MAX_NAMES) {}

  get size(): number {
    return this.admitted.size;
  }

  /** True when `name` has (or now gets) a row of its own; false: count it under the folded row. */
  admit(name: string): boolean {
    if (this.admitted.has(name) || FOLDED.has(name) || isEngineName(name)) return true;
    if (this.admitted.size >= this.maxNames) return false;
    this.admitted.add(name);
    return true;
  }
}
