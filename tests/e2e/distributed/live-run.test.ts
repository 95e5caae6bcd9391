/**
 * `bench run --segment … --live` processes against a real redis-server: every
 * interval of every instance reaches the stream, so `bench watch`'s view of
 * the fleet adds up to what `bench merge` makes of their summaries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeRuns } from '../../../src/distributed/merge/index.js';
import { watchFleet } from '../../../src/distributed/live/watch.js';
import { startBench } from '../../helpers/bench-process.js';
import { startTargetServer, type TargetServer } from '../../helpers/target-server.js';
import { findRedisServer, startRedis, type RedisProcess } from '../../integration/distributed/redis-server.js';

const bin = findRedisServer();
const fixture = fileURLToPath(new URL('../../fixtures/scenarios/distributed/mixed.ts', import.meta.url));

describe.skipIf(!bin)(`bench run --live processes through a real redis-server${bin ? '' : ' (skipped: redis-server not found; apt-get install -y redis-server)'}`, () => {
  let redis: RedisProcess;
  let target: TargetServer;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedis(bin!);
    target = await startTargetServer();
    dir = mkdtempSync(join(tmpdir(), 'volley-live-run-'));
  });
  afterAll(async () => {
    await redis?.stop();
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes every interval of every segment: the fleet view adds up to the merged summaries', async () => {
    const url = `${redis.url}/e2e-fleet`;
    const watching = watchFleet({ url, reporters: [], tickMs: 200, expectInstances: 2, lostAfterMs: 20_000 });
    const outs = [join(dir, 'a'), join(dir, 'b')];
    const procs = outs.map((out, i) =>
      startBench(['run', fixture, '-u', '3', '-t', '2s', '-w', '1', '-H', target.url, '--headless', '--segment', `${i + 1}/2`, '--live', url, '--out', out]),
    );
    const codes = await Promise.all(procs.map((p) => p.exited));
    procs.forEach((p, i) => expect(codes[i], p.stderr()).toBe(1)); // mixed.ts has a failing endpoint
    const watched = await watching;

    const merged = mergeRuns({ inputs: outs, out: join(dir, 'all') }).summary;
    expect(merged.meta.instances.map((i) => i.users)).toEqual([2, 1]);
    expect(watched.summary.total.requests).toBe(merged.total.requests);
    expect(watched.summary.total.latencyMs).toEqual(merged.total.latencyMs);
    expect(watched.summary.counters).toEqual(merged.counters);
    expect([...watched.fleet.instances.values()].map((i) => i.label).sort()).toEqual(['1/2', '2/2']);
  }, 40_000);
});

describe.skipIf(!bin)('bench run --live when Redis goes away', () => {
  let target: TargetServer;
  let dir: string;
  beforeAll(async () => {
    target = await startTargetServer();
    dir = mkdtempSync(join(tmpdir(), 'volley-live-gone-'));
  });
  afterAll(async () => {
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a Redis killed mid-run: the process runs on, writes its results and exits with the run’s code, not 13', async () => {
    const redis = await startRedis(bin!);
    const out = join(dir, 'killed');
    const one = fileURLToPath(new URL('../../fixtures/scenarios/distributed/one-task.ts', import.meta.url));
    const p = startBench(['run', one, '-u', '1', '-t', '3s', '-w', '1', '-H', target.url, '--headless', '--live', `${redis.url}/e2e-killed`, '--out', out]);
    // Killed once the load runs and the first interval went out, not before the start-up check.
    await p.waitForStderr(/\[\d/, 30_000);
    await redis.stop();
    const code = await p.exited;
    expect(code, p.stderr()).toBe(0);
    expect(p.stderr()).toContain(`results written to ${out}/`);
  }, 60_000);

  it('a Redis that is not there: exit 2 before the run', async () => {
    const p = startBench(['run', fixture, '-u', '1', '-t', '2s', '-w', '1', '-H', target.url, '--headless', '--live', 'redis://127.0.0.1:1/e2e-none']);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(/^error: --live: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(connection refused\)/m);
  }, 60_000);
});
