import type { ThresholdResult } from '../metrics/summary-types.js';

/**
 * The observed value with the unit of its expression, for reports:
 * `http.p95<300ms` with value 312.5 reads "312.5ms".
 */
export function formatThresholdValue(result: ThresholdResult): string {
  if (result.value === null) return 'no data';
  const unit = /(ms|s|m|%)\s*(?:abort)?$/.exec(result.expression.trim())?.[1] ?? '';
  const rounded = Math.abs(result.value) >= 100 ? Math.round(result.value * 10) / 10 : Math.round(result.value * 1000) / 1000;
  return `${rounded}${unit}`;
}
