/**
 * `bench run --live` against a real redis-server: an abort from the watcher
 * stops a running instance. (Several instances publishing one plan:
 * tests/e2e/distributed/live-run.test.ts, as each needs its own process.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abortFleet } from '../../../src/distributed/live/watch.js';
import { UserError } from '../../../src/errors.js';
import { runFixture, runFixtureError } from '../../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../../helpers/target-server.js';
import { findRedisServer, freePort, startRedis, type RedisProcess } from './redis-server.js';

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

describe.skipIf(!bin)('bench run --live when Redis is not there', () => {
  let target: TargetServer;
  let dir: string;
  beforeAll(async () => {
    target = await startTargetServer();
    dir = mkdtempSync(join(tmpdir(), 'volley-run-live-down-'));
  });
  afterAll(async () => {
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start when Redis does not answer, naming the URL without its password', async () => {
    const port = await freePort();
    const err = await runFixtureError('distributed/one-task.ts', { users: 1, duration: '2s', workers: 1, host: target.url, live: `redis://volley:s3cret-pw@127.0.0.1:${port}/down` });
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe(`--live: cannot reach Redis at redis://volley:***@127.0.0.1:${port} (connection refused)`);
    expect(`${err.message} ${err.hint}`).not.toContain('s3cret-pw');
  });

  it('runs on when Redis is killed mid-run, warns, writes its results and exits as the run says', async () => {
    const redis = await startRedis(bin!);
    const out = join(dir, 'killed');
    let started!: () => void;
    const load = new Promise<void>((r) => (started = r));
    const running = runFixture('distributed/one-task.ts', { users: 1, duration: '3s', workers: 1, host: target.url, live: `${redis.url}/killed`, out }, { reporters: [{ onRunStart: () => started() }] });
    // Killed once the load runs (the check before the run has passed), not before.
    await load;
    await sleep(500);
    await redis.stop();
    const r = await running;
    expect(r.exitCode).toBe(0);
    expect(r.summary.meta.stopReason).toBe('duration reached');
    expect(r.stderr).toMatch(/warning: live view: lost the connection to redis:\/\/127\.0\.0\.1:\d+; the run goes on/);
    expect(r.stderr).toContain(`results written to ${out}/`);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).meta.exitCode).toBe(0);
  }, 30_000);
});
