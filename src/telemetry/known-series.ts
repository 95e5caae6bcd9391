import { meanOf, sumOf, type Exposition } from './exposition.js';

/**
 * How one common series is read from a server's own names (docs/telemetry.md,
 * "Known names"). The first source whose names are present wins:
 * - `gauge`: the value itself (summed over label sets; a ratio averaged),
 * - `rate`: a counter's increase per second between two scrapes,
 * - `increase`: a counter's increase since the first scrape of the run,
 * - `ratio`: the increase of one counter over the increase of another (hits / queries).
 */
export type SeriesSource =
  | { how: 'gauge'; name: string }
  | { how: 'rate'; name: string }
  | { how: 'increase'; name: string }
  | { how: 'ratio'; name: string; over: string };

export const KNOWN_SERIES: Readonly<Record<string, readonly SeriesSource[]>> = {
  requests_running: [
    { how: 'gauge', name: 'vllm:num_requests_running' },
    { how: 'gauge', name: 'sglang:num_running_reqs' },
    { how: 'gauge', name: 'tgi_batch_current_size' },
    { how: 'gauge', name: 'llamacpp:requests_processing' },
  ],
  requests_waiting: [
    { how: 'gauge', name: 'vllm:num_requests_waiting' },
    { how: 'gauge', name: 'sglang:num_queue_reqs' },
    { how: 'gauge', name: 'tgi_queue_size' },
    { how: 'gauge', name: 'llamacpp:requests_deferred' },
  ],
  kv_cache_usage: [
    { how: 'gauge', name: 'vllm:kv_cache_usage_perc' },
    { how: 'gauge', name: 'vllm:gpu_cache_usage_perc' },
    { how: 'gauge', name: 'sglang:token_usage' },
    { how: 'gauge', name: 'llamacpp:kv_cache_usage_ratio' },
  ],
  prefix_cache_hit_rate: [
    { how: 'ratio', name: 'vllm:prefix_cache_hits_total', over: 'vllm:prefix_cache_queries_total' },
    { how: 'ratio', name: 'vllm:gpu_prefix_cache_hits_total', over: 'vllm:gpu_prefix_cache_queries_total' },
    { how: 'gauge', name: 'sglang:cache_hit_rate' },
  ],
  preemptions: [
    { how: 'increase', name: 'vllm:num_preemptions_total' },
  ],
  generation_tokens_per_s: [
    { how: 'rate', name: 'vllm:generation_tokens_total' },
    { how: 'gauge', name: 'sglang:gen_throughput' },
    { how: 'rate', name: 'tgi_request_generated_tokens_sum' },
    { how: 'rate', name: 'llamacpp:tokens_predicted_total' },
  ],
  prompt_tokens_per_s: [
    { how: 'rate', name: 'vllm:prompt_tokens_total' },
    { how: 'rate', name: 'sglang:prompt_tokens_total' },
    { how: 'rate', name: 'tgi_request_input_length_sum' },
    { how: 'rate', name: 'llamacpp:prompt_tokens_total' },
  ],
};

/** Common names whose values are fractions: averaged over label sets and over servers, not summed. */
export const RATIO_SERIES = new Set(['kv_cache_usage', 'prefix_cache_hit_rate']);

/** One scrape of one server, with the time it was taken. */
export interface Scrape {
  atMs: number;
  samples: Exposition;
}

/**
 * The common series of one server at its latest scrape, given the one before
 * (rates) and the first of the run (increases). A counter that went down
 * (the server restarted) gives no value for that second.
 */
export function readKnownSeries(now: Scrape, prev: Scrape | undefined, first: Scrape): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [common, sources] of Object.entries(KNOWN_SERIES)) {
    for (const src of sources) {
      if (!now.samples.has(src.name)) continue;
      const v = readOne(src, common, now, prev, first);
      if (v !== undefined) out[common] = v;
      break;
    }
  }
  return out;
}

function readOne(src: SeriesSource, common: string, now: Scrape, prev: Scrape | undefined, first: Scrape): number | undefined {
  const cur = sumOf(now.samples, src.name)!;
  switch (src.how) {
    case 'gauge':
      return RATIO_SERIES.has(common) ? meanOf(now.samples, src.name) : cur;
    case 'increase': {
      const base = sumOf(first.samples, src.name) ?? 0;
      return cur >= base ? cur - base : undefined;
    }
    case 'rate': {
      const before = prev && sumOf(prev.samples, src.name);
      const sec = prev ? (now.atMs - prev.atMs) / 1000 : 0;
      if (before === undefined || sec <= 0 || cur < before) return undefined;
      return (cur - before) / sec;
    }
    case 'ratio': {
      const over = sumOf(now.samples, src.over);
      const hitsBefore = prev && sumOf(prev.samples, src.name);
      const overBefore = prev && sumOf(prev.samples, src.over);
      if (over === undefined || hitsBefore === undefined || overBefore === undefined) return undefined;
      const dq = over - overBefore;
      const dh = cur - hitsBefore;
      return dq > 0 && dh >= 0 ? Math.min(1, dh / dq) : undefined;
    }
  }
}
