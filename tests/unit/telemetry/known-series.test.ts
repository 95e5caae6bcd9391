import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExposition, sumOf } from '../../../src/telemetry/exposition.js';
import { readKnownSeries } from '../../../src/telemetry/known-series.js';
import { withoutCredentials } from '../../../src/telemetry/scrape-target.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/metrics/${name}`, import.meta.url), 'utf8');

describe('a recorded vLLM exposition', () => {
  const first = { atMs: 0, samples: parseExposition(fixture('vllm-1.prom')) };
  const second = { atMs: 2000, samples: parseExposition(fixture('vllm-2.prom')) };

  it('is parsed into samples, label sets summed', () => {
    expect(sumOf(first.samples, 'vllm:request_success_total')).toBe(1200);
    expect(sumOf(first.samples, 'process_resident_memory_bytes')).toBe(2187567104);
    expect(first.samples.get('python_gc_objects_collected_total')).toEqual([12034, 3418, 512]);
  });

  it("an unlabelled histogram's _sum and _count are samples (as TGI's tgi_request_generated_tokens)", () => {
    const e = parseExposition('# TYPE tgi_request_generated_tokens histogram\ntgi_request_generated_tokens_bucket{le="10"} 3\ntgi_request_generated_tokens_bucket{le="+Inf"} 5\ntgi_request_generated_tokens_sum 240\ntgi_request_generated_tokens_count 5\n');
    expect(sumOf(e, 'tgi_request_generated_tokens_sum')).toBe(240);
    expect(sumOf(e, 'tgi_request_generated_tokens_count')).toBe(5);
  });

  it('maps to the common names: gauges as they are, counters as rates, increases and a hit ratio', () => {
    expect(readKnownSeries(first, undefined, first)).toEqual({ requests_running: 24, requests_waiting: 3, kv_cache_usage: 0.412, preemptions: 0 });
    const v = readKnownSeries(second, first, first);
    expect(v.requests_running).toBe(31);
    expect(v.requests_waiting).toBe(9);
    expect(v.kv_cache_usage).toBe(0.557);
    expect(v.preemptions).toBe(3);
    // (156160 - 153600) tokens over 2 s; (1236992 - 1228800) over 2 s.
    expect(v.generation_tokens_per_s).toBe(1280);
    expect(v.prompt_tokens_per_s).toBe(4096);
    // (47104 - 40960) hits of (90112 - 81920) queried tokens.
    expect(v.prefix_cache_hit_rate).toBe(0.75);
  });

  it('a counter that went down (a restarted server) gives no rate for that second', () => {
    expect(readKnownSeries(first, second, first).generation_tokens_per_s).toBeUndefined();
  });
});

describe('other servers', () => {
  it("SGLang's, TGI's and llama.cpp's names map to the same common names", () => {
    const at = (text: string) => ({ atMs: 0, samples: parseExposition(text) });
    const sglang = at('# TYPE sglang:num_running_reqs gauge\nsglang:num_running_reqs{model_name="m"} 7\nsglang:num_queue_reqs{model_name="m"} 2\nsglang:token_usage{model_name="m"} 0.25\nsglang:cache_hit_rate{model_name="m"} 0.5\nsglang:gen_throughput{model_name="m"} 900\n');
    expect(readKnownSeries(sglang, undefined, sglang)).toEqual({ requests_running: 7, requests_waiting: 2, kv_cache_usage: 0.25, prefix_cache_hit_rate: 0.5, generation_tokens_per_s: 900 });
    const tgi = at('# TYPE tgi_queue_size gauge\ntgi_queue_size 4\n# TYPE tgi_batch_current_size gauge\ntgi_batch_current_size 16\n');
    expect(readKnownSeries(tgi, undefined, tgi)).toEqual({ requests_running: 16, requests_waiting: 4 });
    const llama = at('# TYPE llamacpp:requests_processing gauge\nllamacpp:requests_processing 3\nllamacpp:requests_deferred 1\nllamacpp:kv_cache_usage_ratio 0.125\n');
    expect(readKnownSeries(llama, undefined, llama)).toEqual({ requests_running: 3, requests_waiting: 1, kv_cache_usage: 0.125 });
  });

  it('an empty answer has no samples (the scraper counts it as a failure)', () => {
    expect(parseExposition('').size).toBe(0);
  });
});

it('URLs are shown without credentials', () => {
  expect(withoutCredentials('http://scraper:s3cret@127.0.0.1:8000/metrics')).toBe('http://127.0.0.1:8000/metrics');
});
