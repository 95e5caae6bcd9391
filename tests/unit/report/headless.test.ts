import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { EndpointSummary } from '../../../src/metrics/summary-types.js';
import { captureStream } from '../../helpers/run-fixture.js';
import type { LiveSnapshot } from '../../../src/metrics/live-snapshot.js';
import { createHeadlessReporter, progressLine } from '../../../src/report/headless.js';

function sink(): Writable & { text: string } {
  const w = new Writable({
    write(chunk, _enc, cb) {
      w.text += String(chunk);
      cb();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}

const snap = (elapsedMs: number, users: number, targetUsers: number) =>
  ({ elapsedMs, users, targetUsers, health: [], total: { requests: 0, failures: 0 }, interval: { rps: 0, p50Ms: 0, p95Ms: 0 } }) as unknown as LiveSnapshot;

it('shows how far a large start got while users start', () => {
  const stderr = sink();
  const r = createHeadlessReporter({ stdout: sink(), stderr });
  r.onSnapshot!(snap(1000, 40_000, 100_000));
  r.onSnapshot!(snap(1500, 60_000, 100_000));
  r.onSnapshot!(snap(2100, 80_000, 100_000));
  r.onSnapshot!(snap(3200, 100_000, 100_000));
  expect(stderr.text.match(/^starting users: .*$/gm)).toEqual(['starting users: 40,000/100,000', 'starting users: 80,000/100,000']);
});

it('stays quiet for small runs', () => {
  const stderr = sink();
  createHeadlessReporter({ stdout: sink(), stderr }).onSnapshot!(snap(1000, 10, 100));
  expect(stderr.text).not.toContain('starting users');
});

const total: EndpointSummary = {
  method: '', name: 'Aggregated', requests: 10, failures: 0, aborted: 0, rps: 1, failuresPerSec: 0, bytes: 0,
  latencyMs: { count: 10, min: 1, mean: 1, p50: 1, p90: 1, p95: 1, p99: 1, p999: 1, max: 1 },
};

function snapshot(health: LiveSnapshot['health']): LiveSnapshot {
  return {
    scenario: 'x.ts', elapsedMs: 2000, durationMs: 10_000, users: 2, targetUsers: 2, workers: health.length,
    endpoints: [total], total, currentRps: {}, interval: { rps: 1, failuresPerSec: 0, p50Ms: 1, p95Ms: 1, p99Ms: 1 },
    errors: [], checks: [], health,
  };
}

describe('headless progress', () => {
  it('ends the line with each blocked worker and how long it has been blocked', () => {
    const stderr = captureStream();
    const r = createHeadlessReporter({ stdout: captureStream(), stderr }, 0);
    r.onSnapshot!(snapshot([{ index: 0, cpu: 0.1, eventLoopDelayMs: 1, users: 1 }, { index: 1, cpu: 0.1, eventLoopDelayMs: 1, users: 1, blockedMs: 3200 }]));
    expect(stderr.text()).toMatch(/reqs 10 .* worker 1 BLOCKED 3s\n$/);
    expect(stderr.text()).not.toContain('worker 0 BLOCKED');
  });
});

it('progress lines of an open model say the arrivals achieved of the rate asked, and those dropped', () => {
  const s = { ...snap(2000, 1, 1), scenario: 'a.ts', arrivals: { targetPerSec: 20, achievedPerSec: 4.9, droppedPerSec: 15, started: 10, dropped: 31 } } as LiveSnapshot;
  expect(progressLine(s)).toContain('arrivals 4.9/20.0/s dropped 31');
  expect(progressLine(snap(2000, 1, 1))).not.toContain('arrivals');
});

it("progress lines carry the server's latest figures with --server-metrics", () => {
  const server = { sources: [], scrapes: 3, failures: 0, series: {}, current: { requests_running: 12, requests_waiting: 3, kv_cache_usage: 0.413, generation_tokens_per_s: 1280.4 } };
  expect(progressLine({ ...snap(2000, 1, 1), server } as LiveSnapshot)).toContain('  server run 12 wait 3 kv 41% gen 1280 tok/s');
  expect(progressLine(snap(2000, 1, 1))).not.toContain('server');
});
