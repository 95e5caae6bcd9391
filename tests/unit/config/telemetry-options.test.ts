import { expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { validateOptions } from '../../../src/config/validate.js';

function problemsOf(input: unknown): string {
  try {
    validateOptions('bench.config.ts', input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.join('\n');
  }
  throw new Error('expected a ConfigError');
}

it('the telemetry options: one URL or a list, durations parsed, every bad one named at once', () => {
  const o = validateOptions('test', { serverMetrics: 'http://127.0.0.1:8000/metrics', serverMetric: 'vllm:a,vllm:b', prometheusPort: 0, outRemoteWrite: 'http://127.0.0.1:9090/api/v1/write', remoteWriteInterval: '2s', runId: 'shop-1' });
  expect(o).toMatchObject({ serverMetrics: ['http://127.0.0.1:8000/metrics'], serverMetric: ['vllm:a', 'vllm:b'], prometheusPort: 0, remoteWriteInterval: 2000, runId: 'shop-1' });
  const problems = problemsOf({ serverMetrics: ['mock'], prometheusPort: 70000, outRemoteWrite: 'prometheus:9090', remoteWriteInterval: '10ms', runId: 'a b' });
  expect(problems).toContain('serverMetrics');
  expect(problems).toContain('prometheusPort');
  expect(problems).toContain('outRemoteWrite: expected an http:// or https:// URL');
  expect(problems).toContain('remoteWriteInterval: expected a duration of at least 100ms');
  expect(problems).toContain("runId: expected letters, digits");
});
