/**
 * The live snapshot's open-model arrivals and a sweep's stage table, through
 * the programmatic API (startRun) with real workers: an open model against a
 * real target server whose one user cannot keep up, and an LLM sweep against
 * the built-in mock host. Counts with wide margins, no timings.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun } from '../../src/run/index.js';
import type { LiveSnapshot } from '../../src/metrics/live-snapshot.js';
import { captureStream, SCENARIOS } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(() => target.close());

const quiet = () => ({ stdout: captureStream(), stderr: captureStream() });

describe('live figures', () => {
  it('open model: the snapshots carry the rate asked for, the arrivals started and those dropped', async () => {
    target.hits.clear();
    // 20 arrivals a second, each holding the only user 200 ms: about 5 a second run, the rest are dropped.
    const run = await startRun(
      {
        scenario: resolve(SCENARIOS, 'load-models/slow-get.ts'),
        options: { headless: true, seed: 1, rate: 20, maxUsers: 1, workers: 1, duration: '2s', snapshotInterval: '250ms', host: target.url },
      },
      quiet(),
    );
    const snaps: LiveSnapshot[] = [];
    run.onSnapshot((s) => void snaps.push(s));
    const { summary } = await run.done;
    expect(snaps.length).toBeGreaterThan(1);
    for (const s of snaps) expect(s.arrivals?.targetPerSec).toBe(20);
    const last = snaps.at(-1)!.arrivals!;
    expect(last.dropped).toBeGreaterThan(0);
    expect(snaps.some((s) => s.arrivals!.droppedPerSec > 0)).toBe(true);
    expect(last.dropped).toBeLessThanOrEqual(summary.counters['dropped_iterations']!);
    // Every arrival started is one request the server counted (the last may still be on its way).
    const served = target.hits.get('GET /slow/200') ?? 0;
    expect(last.started).toBeGreaterThan(0);
    expect(last.started).toBeLessThanOrEqual(served + 1);
    expect(summary.counters['arrivals_started']).toBeGreaterThanOrEqual(served);
    expect(summary.counters['arrivals_started']).toBeLessThanOrEqual(served + 1);
    // The intervals' achieved rates add up to the arrivals started.
    const summed = snaps.reduce((a, s, i) => a + s.arrivals!.achievedPerSec * ((s.elapsedMs - (snaps[i - 1]?.elapsedMs ?? 0)) / 1000), 0);
    expect(Math.round(summed)).toBeGreaterThanOrEqual(last.started - 2);
    expect(Math.round(summed)).toBeLessThanOrEqual(last.started + 2);
  });

  it('closed model: no arrival figures', async () => {
    const run = await startRun(
      { scenario: resolve(SCENARIOS, 'load-models/get.ts'), options: { headless: true, seed: 1, users: 1, workers: 1, duration: '1s', snapshotInterval: '250ms', host: target.url } },
      quiet(),
    );
    const snaps: LiveSnapshot[] = [];
    run.onSnapshot((s) => void snaps.push(s));
    await run.done;
    expect(snaps.length).toBeGreaterThan(0);
    expect(snaps.every((s) => s.arrivals === undefined && s.stages === undefined)).toBe(true);
  });

  it('an LLM sweep on the mock host: each snapshot has the finished stages and the current one', async () => {
    const run = await startRun(
      {
        scenario: resolve(SCENARIOS, 'llm/one-chat.ts'),
        options: { headless: true, seed: 1, concurrency: [1, 2], maxTimePerStage: '1s', workers: 1, snapshotInterval: '250ms', host: 'mock' },
      },
      quiet(),
    );
    const snaps: LiveSnapshot[] = [];
    run.onSnapshot((s) => void snaps.push(s));
    const { summary } = await run.done;
    const stages = summary.stages!;
    expect(stages).toHaveLength(2);
    const inFirst = snaps.filter((s) => s.stages?.length === 1);
    expect(inFirst.length).toBeGreaterThan(0);
    expect(inFirst.at(-1)!.stages![0]).toMatchObject({ name: stages[0]!.name, concurrency: 1, current: true });
    const inSecond = snaps.filter((s) => s.stages?.length === 2);
    expect(inSecond.length).toBeGreaterThan(0);
    const [done, current] = inSecond.at(-1)!.stages!;
    // The finished stage's row is the summary's stage.
    expect(done).toMatchObject({ name: stages[0]!.name, concurrency: 1, failures: 0, ttftP50Ms: stages[0]!.llm!.ttftMs.p50, tpotP50Ms: stages[0]!.llm!.tpotMs.p50 });
    expect(done!.current).toBeUndefined();
    expect(done!.outputTokensPerSec).toBeGreaterThan(0);
    expect(done!.rps).toBeGreaterThan(0);
    expect(current).toMatchObject({ name: stages[1]!.name, concurrency: 2, current: true });
  });
});
