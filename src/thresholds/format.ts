import type { ThresholdResult } from '../metrics/summary-types.js';

/**
 * The observed value with its unit, for every report (TUI, final table, HTML,
 * junit): `http.p95<300ms` with value 312.5 reads "312.5ms".
 */
export function formatThresholdValue(result: ThresholdResult): string {
  if (result.value === null) return result.note ? `no data: ${result.note}` : 'no data';
  const rounded = Math.abs(result.value) >= 100 ? Math.round(result.value * 10) / 10 : Math.round(result.value * 1000) / 1000;
  return `${rounded}${result.unit ?? unitFromExpression(result.expression)}`;
}

/**
 * Results without a unit: plain numbers and fractions (whose expression ends in a
 * digit, so this finds none) and summaries written before results carried it.
 */
function unitFromExpression(expression: string): string {
  return /(ms|s|m|%)\s*(?:abort)?$/.exec(expression.trim())?.[1] ?? '';
}
