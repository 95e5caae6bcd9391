/**
 * Trace replay end to end through the programmatic API, real workers and real
 * servers: every record arrives once, carries its own prompt and output length
 * (checked against the mock's ground truth), and --segment splits the records.
 * Times are checked exactly at the scheduler (tests/unit/engine/trace-replay.test.ts), not here.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';
import { runFixture } from '../helpers/run-fixture.js';

let dir: string;
let mock: MockServer;
let target: TargetServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'volley-trace-'));
  mock = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1 });
  target = await startTargetServer();
});
afterAll(async () => {
  await mock.close();
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Mooncake records 60 ms apart: block 0 (and 1) shared, then each its own blocks. */
const records = Array.from({ length: 12 }, (_, k) => ({
  timestamp: 90_000 + k * 60,
  input_length: 40 + 7 * k,
  output_length: 3 + (k % 4),
  hash_ids: k % 2 ? [0, 1, 100 + k] : [0, 100 + k],
}));

function writeTrace(name: string, recs: unknown[]): string {
  const file = join(dir, name);
  writeFileSync(file, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

describe('bench run --trace', () => {
  it('sends every Mooncake record once, with input_length prompt tokens and max_tokens = output_length, then ends', async () => {
    const trace = writeTrace('mooncake.jsonl', records);
    const log = join(dir, 'requests.jsonl');
    mock.clearGroundTruth();
    const r = await runFixture('trace-chat.ts', { host: mock.url, trace, traceBlockSize: 16, requestsLog: log, workers: 2, duration: '20s' });
    expect(r.exitCode).toBe(0);
    expect(r.summary.meta.stopReason).toBe('trace finished');
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { name: string; id: string });
    expect(lines.map((l) => l.name).sort()).toEqual(records.map((_, k) => `rec-${k}`).sort());
    const truth = new Map(mock.groundTruth().map((g) => [g.id, g]));
    for (const line of lines) {
      const k = Number(line.name.slice(4));
      const g = truth.get(line.id)!;
      // The mock counts the prompt with cl100k_base, the run's tokenizer: exact.
      expect([k, g.inputTokens, g.outputTokens]).toEqual([k, records[k]!.input_length, records[k]!.output_length]);
    }
  });

  it('--segment 1/2 and 2/2 replay disjoint halves that make the whole trace', async () => {
    const trace = writeTrace('plain.jsonl', Array.from({ length: 10 }, (_, k) => ({ time: k * 0.05, prompt: `p${k}` })));
    const seen: string[][] = [];
    for (const segment of ['1/2', '2/2']) {
      target.hits.clear();
      const r = await runFixture('trace-http.ts', { host: target.url, trace, segment, workers: 2, duration: '20s' });
      expect(r.exitCode).toBe(0);
      expect(r.summary.meta.stopReason).toBe('trace finished');
      seen.push([...target.hits.keys()].filter((k) => k.startsWith('GET /items/')).sort());
      expect([...target.hits.values()].every((n) => n === 1)).toBe(true);
    }
    const [a, b] = seen;
    expect(a!.filter((k) => b!.includes(k))).toEqual([]);
    expect([...a!, ...b!].sort()).toEqual(Array.from({ length: 10 }, (_, k) => `GET /items/${k}`).sort());
  });

  it('a bad line is a user error naming file:line, before any load', async () => {
    const trace = writeTrace('bad.jsonl', [{ timestamp: 0, prompt: 'ok' }, { timestamp: 'soon', prompt: 'x' }]);
    await expect(runFixture('trace-http.ts', { host: target.url, trace })).rejects.toThrow(`--trace ${trace}:2: timestamp: expected milliseconds >= 0, got "soon"`);
  });

  it('is not combined with another load model', async () => {
    const trace = writeTrace('ok.jsonl', [{ timestamp: 0, prompt: 'ok' }]);
    await expect(runFixture('trace-http.ts', { host: target.url, trace, users: 3 })).rejects.toThrow("users: --trace replays the trace's own arrivals on the open model; not with users");
  });
});
