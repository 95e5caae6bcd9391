import type { MetricsAggregate } from './aggregate.js';
import type { LlmGroup, LlmGroups } from './llm-groups.js';
import type { LlmSummary } from './summary-types.js';
import { buildLlmWorkload } from './llm-workload.js';

/** What LLM figures are read from: the run's aggregate (the totals, with its groups), or one name's or class's group. */
type LlmSource = Pick<MetricsAggregate, 'counters' | 'trendStats'> & { trends: { has(name: string): boolean }; llm?: LlmGroups };

const ERRORS_PREFIX = 'llm.errors.';

/** Images, speech and transcription figures (docs/llm-metrics.md#media), present only when such requests ran. */
function mediaFigures(agg: Pick<MetricsAggregate, 'counters' | 'trendStats'>, perSec: (n: number) => number): Partial<LlmSummary> {
  const c = agg.counters;
  const out: Partial<LlmSummary> = {};
  const images = c['llm.images'];
  if (images !== undefined) {
    out.images = images;
    out.imagesPerSec = perSec(images);
  }
  const audioMs = c['llm.audio_ms'];
  if (audioMs !== undefined) {
    out.audioSeconds = audioMs / 1000;
    out.audioSpeed = agg.trendStats('llm.audio_speed');
  }
  const chars = c['llm.input_chars'];
  if (chars !== undefined) out.inputChars = chars;
  return out;
}

/**
 * The LLM section of the summary, from the counters and trends the LLM client
 * records (docs/llm-metrics.md). Undefined when the run made no LLM request.
 * Rates are per second of `durationSec`; goodput is null unless SLOs were given.
 */
export function buildLlmSummary(agg: LlmSource, durationSec: number, hasSlo: boolean): LlmSummary | undefined {
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
  const media = mediaFigures(agg, perSec);
  const summary: LlmSummary = {
    ...media,
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
    ...buildLlmWorkload(agg),
    ...retries,
  };
  if (agg.llm && agg.llm.byName.size > 0) {
    summary.byName = groupSummaries(agg.llm.byName, durationSec, hasSlo);
    summary.byClass = groupSummaries(agg.llm.byClass, durationSec, hasSlo);
  }
  return summary;
}

/**
 * The figures of each request name or user class, by key in name order. A
 * group's rates are per second of the same duration as the totals.
 */
function groupSummaries(groups: ReadonlyMap<string, LlmGroup>, durationSec: number, hasSlo: boolean): Record<string, LlmSummary> {
  const out: Record<string, LlmSummary> = {};
  for (const key of [...groups.keys()].sort()) {
    const s = buildLlmSummary(groups.get(key)!, durationSec, hasSlo);
    if (s) out[key] = s;
  }
  return out;
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
