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
    : group === 'llm' ? view.llm?.byName !== undefined && OTHER_NAMES in view.llm.byName && OTHER_NAMES
    : group === 'llm_class' ? view.llm?.byClass !== undefined && OTHER_NAMES in view.llm.byClass && OTHER_NAMES
    : false;
  if (!folded) return group === 'llm' || group === 'llm_class' ? unknownLlmKey(view, group, key) : undefined;
  return `"${key}" has no row of its own: past --max-names distinct names, it may be counted under "${folded}"`;
}

/** A name or class the run's LLM figures do not have: the note lists those it has, as a misspelling is the usual cause. */
function unknownLlmKey(view: ThresholdView, group: 'llm' | 'llm_class', key: string): string | undefined {
  const groups = group === 'llm' ? view.llm?.byName : view.llm?.byClass;
  const what = group === 'llm' ? 'request name' : 'user class';
  if (groups === undefined) return undefined;
  if (Object.hasOwn(groups, key)) return undefined;
  const known = Object.keys(groups);
  return `no LLM ${what} "${key}"; the run's: ${known.length > 0 ? known.map((k) => JSON.stringify(k)).join(', ') : 'none'}`;
}
