import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScenarioConfig } from '../../../src/config/load-models.js';
import type { RunConfig } from '../../../src/config/resolve.js';
import { parseSegment } from '../../../src/config/segment.js';
import { traceReplay } from '../../../src/engine/executors/trace-replay.js';
import { ScenarioRunner, type RunPort } from '../../../src/engine/scenario-runner.js';
import type { ToWorker } from '../../../src/pool/protocol.js';

const dir = mkdtempSync(join(tmpdir(), 'volley-trace-'));
/** 40 records at irregular times over ~1.6 s (ms): more than one batch (the pump sends 1 s ahead). */
const stamps = Array.from({ length: 40 }, (_, k) => 5000 + k * 40 + (k % 3) * 3);
const tracePath = join(dir, 'trace.jsonl');
writeFileSync(tracePath, stamps.map((t, k) => JSON.stringify({ timestamp: t, prompt: `p${k}` })).join('\n'));

const scenario: ScenarioConfig = {
  name: 'default', executor: 'constant-arrival-rate', users: 0, spawnRate: Infinity, ratePerSec: 1, maxUsers: 10, preAllocatedUsers: 1,
  startTimeMs: 0, correctCoordinatedOmission: false, shapeMayDrive: false,
};

/** Runs the trace-replay executor in a ScenarioRunner whose workers are this test: returns what each worker was sent. */
async function replay(workers: number, extra: Record<string, unknown>, segment?: string) {
  const posts: Array<Array<Extract<ToWorker, { type: 'arrivals' }>>> = Array.from({ length: workers }, () => []);
  let stopped!: () => void;
  let runner!: ScenarioRunner;
  const port: RunPort = {
    cfg: { extra: { trace: tracePath, ...extra }, seed: 1, stopTimeoutMs: 1000 } as unknown as RunConfig,
    segment: segment ? parseSegment(segment) : undefined,
    workerCount: workers,
    post(worker, msg) {
      if (msg.type !== 'arrivals') return;
      posts[worker]!.push(msg);
      // A worker with its last arrivals reports the scenario exhausted, as the real one does once they ran.
      if (msg.end) queueMicrotask(() => runner.onExhausted(worker));
    },
    runStopped: new Promise((r) => (stopped = r)),
    stop: () => stopped(),
    fail: (reason) => {
      throw new Error(reason);
    },
    beginStage: async () => undefined,
    stageRequests: () => 0,
    runningUsers: () => 0,
    warn: () => undefined,
  };
  runner = new ScenarioRunner(0, scenario, traceReplay, [], port);
  const reason = await runner.execute();
  stopped();
  const sent = posts.map((msgs) => msgs.flatMap((m) => [...m.offsetsMs].map((t, i) => ({ t, k: m.indices![i]! }))));
  return { reason, sent, all: sent.flat().sort((a, b) => a.k - b.k) };
}

describe('trace replay on the open-model scheduler', () => {
  it('sends every record as an arrival at its timestamp from the first, with its record number, then ends', async () => {
    const { reason, all, sent } = await replay(2, {});
    expect(reason).toBe('trace finished');
    expect(all.map((a) => a.k)).toEqual(stamps.map((_, k) => k));
    // The intended starts are the trace's timestamps exactly (ms from the first record).
    expect(all.map((a) => a.t)).toEqual(stamps.map((t) => t - stamps[0]!));
    // Dealt round robin over the workers, as every open model's arrivals.
    expect(sent[0]!.map((a) => a.k)).toEqual(stamps.map((_, k) => k).filter((k) => k % 2 === 0));
  });

  it('--trace-speed divides the offsets: 2 twice as fast, 0.5 half as fast', async () => {
    const fast = await replay(1, { traceSpeed: 2 });
    expect(fast.all.map((a) => a.t)).toEqual(stamps.map((t) => (t - stamps[0]!) / 2));
    const slow = await replay(1, { traceSpeed: 0.5 });
    expect(slow.all.map((a) => a.t).slice(0, 5)).toEqual(stamps.slice(0, 5).map((t) => (t - stamps[0]!) * 2));
  }, 20_000);

  it('--segment splits the trace as arrivals: two halves together are the whole trace, with no record twice', async () => {
    const one = await replay(2, {}, '1/2');
    const two = await replay(3, {}, '2/2');
    const a = one.all.map((x) => x.k);
    const b = two.all.map((x) => x.k);
    expect(a.length + b.length).toBe(stamps.length);
    expect(a.filter((k) => b.includes(k))).toEqual([]);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(stamps.map((_, k) => k));
    // Each instance keeps the trace's own times for its records.
    for (const x of [...one.all, ...two.all]) expect(x.t).toBe(stamps[x.k]! - stamps[0]!);
    // As for a rate: 1/2 takes the even arrivals.
    expect(a).toEqual(stamps.map((_, k) => k).filter((k) => k % 2 === 0));
  });
});
