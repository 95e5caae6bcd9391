import { describe, expect, it } from 'vitest';
import type { LatencyStats } from '../../../src/metrics/histogram.js';
import { parseExposition, sumOf } from '../../../src/telemetry/exposition.js';
import { failureKind, VOLLEY_SERIES, VolleySeries, type FiguresView } from '../../../src/telemetry/volley-series.js';

const stats = (count: number, ms: number): LatencyStats => ({ count, min: ms, mean: ms, p50: ms, p90: ms * 2, p95: ms * 3, p99: ms * 4, p999: ms * 5, max: ms * 5 });

describe("Volley's series", () => {
  it('render as Prometheus text that parses back to the figures, latencies as exact quantiles in seconds', async () => {
    const series = new VolleySeries();
    const view: FiguresView = {
      endpoints: [
        { name: '/a', method: 'GET', requests: 10, failures: 2, aborted: 0, rps: 1, failuresPerSec: 0.2, bytes: 0, latencyMs: stats(10, 100) },
        { name: '/b "x"', method: 'POST', requests: 5, failures: 0, aborted: 0, rps: 1, failuresPerSec: 0, bytes: 0, latencyMs: stats(5, 20) },
      ],
      errors: [
        { method: 'GET', name: '/a', message: 'HTTP 503: busy', count: 1 },
        { method: 'GET', name: '/a', message: 'HTTP 503: still busy', count: 1 },
        { method: 'TASK', name: 'browse', message: 'TypeError: x', count: 4 },
      ],
      users: 3,
      targetUsers: 4,
      health: [{ index: 0, cpu: 0.5, eventLoopDelayMs: 12, users: 3 }],
      server: { kv_cache_usage: 0.25 },
    };
    series.update(view);
    const text = await series.registry.metrics();
    const e = parseExposition(text);
    expect(sumOf(e, 'volley_requests_total')).toBe(15);
    expect(text).toContain('volley_request_failures_total{name="/a",method="GET",kind="http_503"} 2');
    // A task's exception is no request failure.
    expect(text).not.toContain('kind="other"');
    expect(text).toContain('volley_request_duration_seconds{name="/a",method="GET",quantile="0.99"} 0.4');
    expect(text).toContain('volley_request_duration_seconds_count{name="/a",method="GET"} 10');
    expect(text).toContain('volley_request_duration_seconds_sum{name="/a",method="GET"} 1');
    expect(text).toContain('name="/b \\"x\\""');
    expect(sumOf(e, 'volley_users')).toBe(3);
    expect(sumOf(e, 'volley_worker_event_loop_delay_seconds')).toBe(0.012);
    expect(text).toContain('volley_server_metric{series="kv_cache_usage"} 0.25');
    // No LLM requests: no LLM samples.
    expect(e.has('volley_llm_output_tokens_total')).toBe(false);
    expect(text).toContain('# TYPE volley_request_duration_seconds summary');
  });

  it('every name follows the conventions: volley_ prefix, _total counters, seconds', () => {
    for (const s of VOLLEY_SERIES) {
      expect(s.name).toMatch(/^volley_[a-z0-9_]+$/);
      if (s.type === 'counter') expect(s.name).toMatch(/_total$/);
      if (s.type === 'summary') expect(s.name).toMatch(/_seconds$/);
    }
  });
});

it('failure kinds stay few: status, error code, timeout or other', () => {
  expect(failureKind('HTTP 500: {"error":"boom"}')).toBe('http_500');
  expect(failureKind('connect ECONNREFUSED 127.0.0.1:1')).toBe('ECONNREFUSED');
  expect(failureKind('request timed out after 60s')).toBe('timeout');
  expect(failureKind('check failed: body has "ok"')).toBe('other');
});
