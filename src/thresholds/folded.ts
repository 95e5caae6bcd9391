import { OTHER_CHECKS, OTHER_NAMES, OTHER_TRENDS } from '../metrics/name-cap.js';
import type { ThresholdView } from './catalog.js';

/**
 * Why a named threshold found no row, when the reason is the cap on distinct
 * names (--max-names): its name may be counted in a folded row. Undefined when
 * nothing was folded (a misspelt name, or a part that never ran).
 */
export function foldedNote(view: ThresholdView, metric: string, key: string): string | undefined {
  const group = metric.slice(0, metric.indexOf('['));
  const folded =
    group === 'endpoint' ? view.endpoints.some((e) => e.name === OTHER_NAMES) && OTHER_NAMES
    : group === 'check' ? view.checks.some((c) => c.name === OTHER_CHECKS) && OTHER_CHECKS
    : group === 'trend' ? 'trends' in view && OTHER_TRENDS in view.trends && OTHER_TRENDS
    : false;
  if (!folded) return undefined;
  return `"${key}" has no row of its own: past --max-names distinct names, it may be counted under "${folded}"`;
}
