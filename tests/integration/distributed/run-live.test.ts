/**
 * `bench run --live` against a real redis-server: an abort from the watcher
 * stops a running instance. (Several instances publishing one plan:
 * tests/e2e/distributed/live-run.test.ts, as each needs its own process.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abortFleet } from '../../../src/distributed/live/watch.js';
import { runFixture } from '../../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../../helpers/target-server.js';
import { findRedisServer, startRedis, type RedisProcess } from './redis-server.js';

const bin = findRedisServer();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!bin)(`bench run --live through a real redis-server${bin ? '' : ' (skipped: redis-server not found; apt-get install -y redis-server)'}`, () => {
  let redis: RedisProcess;
  let target: TargetServer;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedis(bin!);
    target = await startTargetServer();
    dir = mkdtempSync(join(tmpdir(), 'volley-run-live-'));
  });
  afterAll(async () => {
    await redis?.stop();
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops a running instance when bench watch aborts the fleet', async () => {
    const url = `${redis.url}/engine-abort`;
    const running = runFixture('distributed/one-task.ts', { users: 1, duration: '30s', workers: 1, host: target.url, live: url });
    await sleep(1500);
    await abortFleet(url, 'enough');
    const r = await running;
    expect(r.summary.meta.stopReason).toBe('aborted by bench watch: enough');
    expect(r.summary.meta.interrupted).toBe(true);
  }, 40_000);
});
