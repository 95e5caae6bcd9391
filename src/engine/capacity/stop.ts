import type { RunConfig } from '../../config/resolve.js';
import type { StageSummary } from '../../metrics/summary-types.js';

/**
 * --stop-over-saturated for a sweep: the reason to end the run after a
 * saturated stage, or undefined. The capacity search does not stop: a
 * saturated step is a failing one, and the search goes on below it.
 */
export function overSaturatedStop(cfg: RunConfig, closed: StageSummary | undefined): string | undefined {
  if (!cfg.extra.stopOverSaturated || cfg.capacity || !closed?.saturation?.saturated) return undefined;
  return `over-saturated at stage ${closed.name}: ${closed.saturation.reasons.join('; ')}`;
}
