import { expect, it } from 'vitest';
import type { RunSummary } from '../../../src/metrics/summary-types.js';
import { evaluateThresholds, parseThresholds } from '../../../src/thresholds/index.js';

const stat = (max: number) => ({ min: 0, max, mean: max / 2, last: max / 3, samples: 5 });

it("thresholds name the server's series: common ones by path, others by name in brackets; one never reported fails at the end", () => {
  const list = parseThresholds(['server.kv_cache_usage.max<0.95', 'server.kv_cache_usage.max<90%', 'server.requests_waiting.mean<=2', 'server_metric["vllm:num_requests_swapped"].max==0', 'server.preemptions.last==0'], 'test');
  expect(list.map((t) => t.metric)).toEqual(['server.kv_cache_usage.max', 'server.kv_cache_usage.max', 'server.requests_waiting.mean', 'server_metric[].max', 'server.preemptions.last']);
  const view = { meta: {}, server: { sources: [], scrapes: 5, failures: 0, series: { kv_cache_usage: stat(0.92), requests_waiting: stat(4), 'vllm:num_requests_swapped': stat(0) } } } as unknown as RunSummary;
  const results = evaluateThresholds(list, view);
  expect(results.map((r) => [r.ok, r.value])).toEqual([[true, 0.92], [false, 92], [true, 2], [true, 0], [false, null]]);
});

it('a statistic a server series does not have is refused, naming the ones it has', () => {
  expect(() => parseThresholds(['server.kv_cache_usage.p99<0.9'], 'test')).toThrow(/server\.kv_cache_usage\.min, server\.kv_cache_usage\.max/);
  expect(() => parseThresholds(['server_metric.max<1'], 'test')).toThrow(/server_metric needs a name in brackets/);
});
