import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createLivePublisher, type LivePublisher } from '../../../src/distributed/live/publisher.js';
import { abortFleet, watchFleet } from '../../../src/distributed/live/watch.js';
import { streamKey } from '../../../src/distributed/live/protocol.js';
import { MetricsAggregate } from '../../../src/metrics/aggregate.js';
import { createHistogram, latencyStats, recordMs, type Histogram } from '../../../src/metrics/histogram.js';
import type { LiveSnapshot } from '../../../src/metrics/live-snapshot.js';
import type { RunSummary } from '../../../src/metrics/summary-types.js';
import { createHeadlessReporter } from '../../../src/report/headless.js';
import { findRedisServer, startRedis, type RedisProcess } from './redis-server.js';

const bin = findRedisServer();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fake instance: publishes intervals of known samples, remembered in `all` for comparison. */
class FakeInstance {
  elapsedMs = 0;
  requests = 0;
  constructor(
    readonly pub: LivePublisher,
    readonly all: ReturnType<typeof createHistogram>,
    private readonly baseMs: number,
  ) {
    pub.onRunStart?.({ scenario: 'fleet.ts', users: 5, workers: 1, startTime: new Date().toISOString() });
  }
  interval(n = 20): void {
    const agg = new MetricsAggregate();
    const e = agg.endpoint('GET', '/x');
    for (let i = 0; i < n; i++) {
      const ms = this.baseMs + ((i * 37 + this.requests) % 50);
      e.latency.recordMs(ms);
      recordMs(this.all, ms);
    }
    e.requests += n;
    e.bytes += n * 10;
    agg.counters.hits = n;
    this.requests += n;
    this.elapsedMs += 200;
    const snap = { elapsedMs: this.elapsedMs, users: 5, targetUsers: 5, workers: 1, health: [{ index: 0, cpu: 0.2, eventLoopDelayMs: 1, users: 5 }] } as unknown as LiveSnapshot;
    this.pub.onInterval(agg, snap);
  }
  async end(): Promise<void> {
    await this.pub.onRunEnd?.({ meta: { stopReason: 'duration reached', exitCode: 0 }, total: { requests: this.requests } } as unknown as RunSummary);
  }
}

/**
 * What one machine would report for these samples: its workers send encoded
 * histograms with their exact min and max, so the statistics are those of the samples.
 */
const asOneMachine = (h: Histogram) => latencyStats(h);

const sink = () => {
  const lines: string[] = [];
  return { lines, stream: { write: (s: string) => (lines.push(s), true) } as unknown as NodeJS.WritableStream };
};

describe.skipIf(!bin)(`live fleet view through a real redis-server${bin ? '' : ' (skipped: redis-server not found; apt-get install -y redis-server)'}`, () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis(bin!);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('merges two instances exactly, shows a silent one as lost, and ends when the rest finish', async () => {
    const url = `${redis.url}/lost-test`;
    const all = createHistogram();
    const a = new FakeInstance(createLivePublisher({ url, instance: 'pod-a', segment: '1/2' }), all, 10);
    const b = new FakeInstance(createLivePublisher({ url, instance: 'pod-b', segment: '2/2' }), all, 40);
    const out = sink();
    const err = sink();
    const events: string[] = [];
    const watching = watchFleet({
      url,
      reporters: [createHeadlessReporter({ stdout: out.stream, stderr: err.stream }, 0)],
      tickMs: 250,
      onEvent: (l) => events.push(l),
    });
    for (let i = 0; i < 5; i++) {
      a.interval();
      b.interval();
      await sleep(200);
    }
    // b dies: it stops publishing without a word. a carries on past the 5 s of silence.
    for (let i = 0; i < 30; i++) {
      a.interval();
      await sleep(200);
    }
    await a.end();
    await b.pub.close();
    const r = await watching;

    expect(events).toContain('instance 1/2 (pod-a) joined');
    expect(events.find((e) => e.startsWith('instance 2/2 (pod-b) lost: silent for 5.'))).toBeDefined();
    expect(events).toContain('instance 1/2 (pod-a) finished (duration reached)');
    expect(err.lines.some((l) => /fleet 1\/2 live, lost: 2\/2/.test(l))).toBe(true);
    expect(r.fleet.instances.get('pod-b')!.state).toBe('lost');
    // b's data so far is kept, and the merge is exact.
    expect(r.summary.total.requests).toBe(a.requests + b.requests);
    expect(r.summary.total.latencyMs).toEqual(asOneMachine(all));
    expect(r.summary.counters.hits).toBe(a.requests + b.requests);
    expect(r.summary.meta.stopReason).toMatch(/lost ×1/);
    // The headless view printed the final table.
    expect(out.lines.join('')).toMatch(/GET\s+\/x/);
  }, 30_000);

  it('buffers while Redis is down and resends after, never counting twice', async () => {
    const url = `${redis.url}/reconnect-test`;
    const all = createHistogram();
    const warnings: string[] = [];
    const pub = createLivePublisher({ url, instance: 'pod-r', segment: '1/1', warn: (m) => warnings.push(m) });
    const inst = new FakeInstance(pub, all, 5);
    const watching = watchFleet({ url, reporters: [], tickMs: 250, lostAfterMs: 20_000 });
    for (let i = 0; i < 3; i++) {
      inst.interval();
      await sleep(150);
    }
    // Redis goes away (all its data with it: no persistence) and comes back on the same port.
    const port = redis.port;
    await redis.stop();
    await sleep(300);
    for (let i = 0; i < 5; i++) inst.interval();
    expect(pub.pending).toBeGreaterThanOrEqual(5);
    redis = await startRedis(bin!, port);
    const until = Date.now() + 10_000;
    while (pub.pending > 0 && Date.now() < until) await sleep(100);
    expect(pub.pending).toBe(0);
    // A command Redis applied but whose reply was lost is sent again: the stream then holds it twice.
    const admin = new Redis(redis.url);
    const entries = await admin.xrange(streamKey('reconnect-test'), '-', '+');
    expect(entries.length).toBeGreaterThanOrEqual(5);
    await admin.xadd(streamKey('reconnect-test'), '*', ...entries[0]![1]);
    await admin.xadd(streamKey('reconnect-test'), '*', ...entries[1]![1]);
    inst.interval();
    await inst.end();
    const r = await watching;
    admin.disconnect();

    expect(warnings.some((w) => /lost the connection/.test(w))).toBe(true);
    expect(warnings.some((w) => /reconnected/.test(w))).toBe(true);
    expect(r.fleet.duplicates).toBeGreaterThanOrEqual(2);
    expect(r.summary.total.requests).toBe(inst.requests);
    expect(r.summary.total.latencyMs).toEqual(asOneMachine(all));
  }, 30_000);

  it('aborts every instance, including one that starts after the abort', async () => {
    const url = `${redis.url}/abort-test`;
    const early = createLivePublisher({ url, instance: 'early' });
    const got: string[] = [];
    early.onAbort((reason) => got.push(`early: ${reason}`));
    await sleep(300);
    await abortFleet(url, 'p95 too high');
    const late = createLivePublisher({ url, instance: 'late' });
    let stopped = false;
    late.bindStop?.(() => (stopped = true));
    const until = Date.now() + 5000;
    while ((got.length === 0 || !stopped) && Date.now() < until) await sleep(50);
    expect(got).toEqual(['early: p95 too high']);
    expect(stopped).toBe(true);
    await Promise.all([early.close(), late.close()]);
  }, 15_000);

  it('aborts the fleet when an abort threshold is crossed across it', async () => {
    const url = `${redis.url}/threshold-test`;
    const pub = createLivePublisher({ url, instance: 'slow', thresholds: ['http.p50<20ms abort'] });
    let aborted = '';
    pub.onAbort((r) => (aborted = r));
    const inst = new FakeInstance(pub, createHistogram(), 100);
    const watching = watchFleet({ url, reporters: [], tickMs: 200 });
    const until = Date.now() + 8000;
    while (!aborted && Date.now() < until) {
      inst.interval();
      await sleep(200);
    }
    await inst.end();
    const r = await watching;
    expect(aborted).toMatch(/threshold crossed across the fleet: http\.p50<20ms/);
    expect(r.abortedFleet).toBe(aborted);
    expect(r.exitCode).toBe(99);
  }, 20_000);
});
