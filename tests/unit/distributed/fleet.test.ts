import { describe, expect, it } from 'vitest';
import { aggregateToDelta } from '../../../src/distributed/merge/aggregate-io.js';
import { FleetState } from '../../../src/distributed/live/fleet.js';
import type { InstanceMessage } from '../../../src/distributed/live/protocol.js';
import { parseLiveUrl } from '../../../src/config/live-url.js';
import { MetricsAggregate } from '../../../src/metrics/aggregate.js';
import { recordMs } from '../../../src/metrics/histogram.js';

function interval(instance: string, seq: number, requests: number, ms = 10): InstanceMessage {
  const agg = new MetricsAggregate();
  const e = agg.endpoint('GET', '/x');
  e.requests = requests;
  for (let i = 0; i < requests; i++) e.latency.recordMs(ms + i);
  return { type: 'interval', instance, label: instance, seq, sentAt: 0, elapsedMs: seq * 1000, intervalMs: 1000, users: 2, targetUsers: 2, workers: 1, health: [], delta: aggregateToDelta(agg) };
}

describe('FleetState', () => {
  it('ignores a message seen before, so a resend never counts twice', () => {
    const f = new FleetState();
    expect(f.apply(interval('a', 1, 5), 0)).toBe(true);
    expect(f.apply(interval('a', 2, 5), 0)).toBe(true);
    expect(f.apply(interval('a', 2, 5), 0)).toBe(false);
    expect(f.apply(interval('a', 1, 5), 0)).toBe(false);
    expect(f.apply(interval('b', 1, 3), 0)).toBe(true);
    expect(f.total.total().requests).toBe(13);
    expect(f.duplicates).toBe(2);
  });

  it('reports joins, gaps, losses after the silence and returns', () => {
    const f = new FleetState(5000);
    f.apply(interval('a', 1, 1), 0);
    f.apply(interval('a', 4, 1), 1000);
    expect(f.events(1000).map((e) => e.kind)).toEqual(['joined', 'gap']);
    expect(f.instances.get('a')!.missing).toBe(2);
    expect(f.events(6000)).toEqual([]);
    expect(f.events(6001).map((e) => e.kind)).toEqual(['lost']);
    expect(f.settled).toBe(true);
    expect(f.describe()).toBe('fleet 0/1 live, lost: a');
    f.apply(interval('a', 5, 1), 7000);
    expect(f.events(7000).map((e) => e.kind)).toEqual(['back']);
    expect(f.settled).toBe(false);
  });

  it('builds a live snapshot of the fleet as one run', () => {
    const f = new FleetState();
    f.apply(interval('a', 1, 10, 10), 0);
    f.apply(interval('b', 1, 10, 100), 0);
    const s = f.snapshot(1000);
    expect(s.total.requests).toBe(20);
    expect(s.users).toBe(4);
    expect(s.interval.p50Ms).toBeGreaterThan(10);
    expect(s.interval.p95Ms).toBeGreaterThan(100);
    expect(s.stage).toBe('fleet 2/2 live');
    expect(f.snapshot(2000).interval.rps).toBe(0);
  });
});

describe('parseLiveUrl', () => {
  it('splits the run id from the Redis URL', () => {
    expect(parseLiveUrl('redis://127.0.0.1:6379/run-42')).toEqual({ redisUrl: 'redis://127.0.0.1:6379', runId: 'run-42' });
    expect(parseLiveUrl('rediss://u:p@h:6380/x.y_z')).toEqual({ redisUrl: 'rediss://u:p@h:6380', runId: 'x.y_z' });
  });
  it.each([
    ['redis://h:6379', /names no run id/],
    ['http://h/x', /expected redis:\/\//],
    ['nope', /not a URL/],
    ['redis://h/a b', /may hold only/],
  ])('refuses %s', (url, msg) => {
    expect(() => parseLiveUrl(url)).toThrow(msg);
  });
});
