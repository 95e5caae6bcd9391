/**
 * --max-error-rate: a run stops once more than this share of its requests
 * failed. Judged on the run's totals every tick, and only once
 * MIN_REQUESTS_FOR_ERROR_RATE requests have completed, so that the first
 * failures of a run do not stop it on their own (docs/llm.md#errors).
 */
export const MIN_REQUESTS_FOR_ERROR_RATE = 20;

/** The stop reason when the totals exceed the limit; undefined while they do not (or too few requests completed). */
export function errorRateExceeded(total: { requests: number; failures: number }, maxErrorRate: number | undefined): string | undefined {
  if (maxErrorRate === undefined || total.requests < MIN_REQUESTS_FOR_ERROR_RATE) return undefined;
  const rate = total.failures / total.requests;
  return rate > maxErrorRate ? `error rate ${percent(rate)} exceeded --max-error-rate ${percent(maxErrorRate)}` : undefined;
}

/** A ratio as a percentage with at most one decimal: 0.4832 → '48.3%'. */
function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}
