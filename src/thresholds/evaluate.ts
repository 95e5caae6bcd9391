import type { ThresholdResult } from '../metrics/summary-types.js';
import { METRICS, type ThresholdView } from './catalog.js';
import type { ComparisonOp, Threshold, ValueUnit } from './threshold.js';
import { toExpressionUnit } from './units.js';
import { foldedNote } from './folded.js';

/**
 * Evaluates thresholds against the final summary or a live snapshot; results keep
 * the order of `thresholds`, and `value` is in the expression's unit (`1s` → seconds,
 * `1%` → percent).
 *
 * A metric without data (no requests yet, no LLM requests, an endpoint or check
 * not seen) gives `value: null`. During the run that passes, since data may still
 * come and a run must not abort on absence. In the final summary it fails: a
 * threshold that could never be checked is usually a misspelt endpoint or check
 * name, or a part of the scenario that never ran, and a green run would hide it.
 */
export function evaluateThresholds(thresholds: readonly Threshold[], view: ThresholdView): ThresholdResult[] {
  const final = 'meta' in view;
  return thresholds.map((t) => {
    const def = METRICS.get(t.metric);
    if (!def) throw new Error(`threshold metric ${t.metric} is not in the catalog`);
    const base = def.read(view, t.key ?? '', t.stat ?? 'p50');
    const result: ThresholdResult = { expression: t.expression, ok: !final, value: null };
    const unit = valueUnit(t);
    if (unit) result.unit = unit;
    if (base !== null && Number.isFinite(base)) {
      // Rounded before comparing, so the value shown is the value judged.
      result.value = round6(toExpressionUnit(base, t.kind, t.unit));
      result.ok = compare(result.value, t.op, t.limit);
    }
    if (result.value === null && t.key) {
      const note = foldedNote(view, t.metric, t.key);
      if (note) result.note = note;
    }
    if (t.abortOnFail) result.abortOnFail = true;
    return result;
  });
}

/**
 * The thresholds that should stop the run now: failed, flagged abortOnFail, and
 * past their delayAbortEval. `results` must come from `evaluateThresholds(thresholds, …)`.
 */
export function thresholdsToAbort(thresholds: readonly Threshold[], results: readonly ThresholdResult[], elapsedMs: number): Threshold[] {
  return thresholds.filter((t, i) => t.abortOnFail && results[i] && !results[i].ok && elapsedMs >= t.delayAbortEvalMs);
}

/** The unit of the value: a bare number on a duration means milliseconds. */
function valueUnit(t: Threshold): ValueUnit {
  return t.kind === 'duration' && t.unit === '' ? 'ms' : t.unit;
}

function compare(value: number, op: ComparisonOp, limit: number): boolean {
  switch (op) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '==':
      return value === limit;
  }
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
