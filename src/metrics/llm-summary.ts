import type { MetricsAggregate } from './aggregate.js';
import type { LlmSummary } from './summary-types.js';

const ERRORS_PREFIX = 'llm.errors.';

/**
 * The LLM section of the summary, from the counters and trends the LLM client
 * records (docs/llm-metrics.md). Undefined when the run made no LLM request.
 * Rates are per second of `durationSec`; goodput is null unless SLOs were given.
 */
export function buildLlmSummary(agg: MetricsAggregate, durationSec: number, hasSlo: boolean): LlmSummary | undefined {
  const c = agg.counters;
  const errorsByKind: Record<string, number> = {};
  let anyError = false;
  for (const [name, n] of Object.entries(c)) {
    if (name.startsWith(ERRORS_PREFIX)) {
      errorsByKind[name.slice(ERRORS_PREFIX.length)] = n;
      anyError = true;
    }
  }
  const requests = c['llm.requests'] ?? 0;
  if (requests === 0 && !anyError && !agg.trends.has('llm.e2e')) return undefined;

  const perSec = (n: number): number => (durationSec > 0 ? n / durationSec : 0);
  const retries = retriesOf(c);
  const inputTokens = c['llm.input_tokens'] ?? 0;
  const outputTokens = c['llm.output_tokens'] ?? 0;
  return {
    requests,
    failures: c['llm.failures'] ?? 0,
    ttftMs: agg.trendStats('llm.ttft'),
    ttfctMs: agg.trendStats('llm.ttfct'),
    tpotMs: agg.trendStats('llm.tpot'),
    itlMs: agg.trendStats('llm.itl'),
    e2eMs: agg.trendStats('llm.e2e'),
    outputSpeedTokPerS: agg.trendStats('llm.output_speed'),
    inputTokens,
    outputTokens,
    reasoningTokens: c['llm.reasoning_tokens'] ?? 0,
    requestsPerSec: perSec(requests),
    inputTokensPerSec: perSec(inputTokens),
    outputTokensPerSec: perSec(outputTokens),
    totalTokensPerSec: perSec(inputTokens + outputTokens),
    goodputPerSec: hasSlo ? perSec(c['llm.good'] ?? 0) : null,
    errorsByKind,
    ...retries,
  };
}

const RETRIES = 'llm.retries';

/** The --retries counters (clients/llm/client.ts): `llm.retries` and `llm.retries.<name>`. */
function retriesOf(c: Record<string, number>): { retries?: number; retriesByName?: Record<string, number> } {
  const total = c[RETRIES] ?? 0;
  if (total === 0) return {};
  const retriesByName: Record<string, number> = {};
  for (const [name, n] of Object.entries(c)) if (name.startsWith(RETRIES + '.')) retriesByName[name.slice(RETRIES.length + 1)] = n;
  return { retries: total, retriesByName };
}
