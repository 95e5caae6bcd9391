import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLMUser } from '../../src/api/llm.js';
import { createLlmClient } from '../../src/clients/llm/client.js';
import { flushRequestsLogs, type RequestLogRecord } from '../../src/clients/llm/requests-log.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { runFixture } from '../helpers/run-fixture.js';
import { clientContext } from '../helpers/client-context.js';

let mock: MockServer;
let dir: string;
const agent = new Agent();

beforeAll(async () => {
  mock = await startMockServer({ port: 0, ttftMs: 30, itlMs: 2 });
  dir = mkdtempSync(join(tmpdir(), 'volley-requests-log-'));
});

afterAll(async () => {
  await mock.close();
  await agent.close();
  rmSync(dir, { recursive: true, force: true });
});

class Chat extends LLMUser {
  model = 'llama-3-8b';
  traffic = 'D(50,10)';
}

describe('--requests-log', () => {
  it('writes one JSON line per request, with the server id to match its ground truth', async () => {
    const file = join(dir, 'requests.jsonl');
    const ctx = clientContext({ dispatcher: agent, baseUrl: mock.url, options: { requestsLog: file } });
    const llm = createLlmClient(new Chat(), ctx);
    const before = performance.timeOrigin + performance.now();
    await llm.chat();
    await llm.chat({ outputTokens: 5 });
    await llm.chat({ headers: { 'x-mock-error': '503' } });
    flushRequestsLogs();

    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RequestLogRecord);
    expect(lines).toHaveLength(3);
    const truth = new Map(mock.groundTruth().map((r) => [r.id, r]));
    const [a, b, failed] = lines;
    for (const r of [a!, b!]) {
      const g = truth.get(r.id!)!;
      expect(g).toBeDefined();
      expect(r).toMatchObject({ name: '/v1/chat/completions', status: 200, chunks: g.chunks, outputTokens: g.outputTokens });
      expect(r.t).toBeGreaterThanOrEqual(before - 1);
      // The client's TTFT includes the trip both ways; it can never be shorter than the server's.
      expect(r.ttftMs!).toBeGreaterThanOrEqual(g.firstTokenAt! - g.receivedAt - 0.5);
      expect(r.lastTokenMs!).toBeGreaterThanOrEqual(r.ttftMs!);
      expect(r.e2eMs).toBeGreaterThanOrEqual(r.lastTokenMs!);
    }
    expect(a!.outputTokens).toBe(10);
    expect(b!.outputTokens).toBe(5);
    expect(failed).toMatchObject({ status: 503, errorKind: 'http_5xx' });
    expect(failed!.error).toContain('HTTP 503');
  });
});

describe('--requests-log and the summary', () => {
  it('agree on a sweep: lines made during warm-ups say warmup, the others are the summary\'s requests and aborts (the last stage keeps what finishes while the run stops)', async () => {
    const file = join(dir, 'sweep.jsonl');
    // A warm-up longer than one request (about 1.25 s), so some finish inside it; --stop-timeout 100ms:
    // streams still running after the last stage are cut off there (aborted).
    const r = await runFixture('guard/slow-chat.ts', { concurrency: [2, 4], maxTimePerStage: '1s', warmup: '1500ms', stopTimeout: '100ms', requestsLog: file, workers: 1 });
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RequestLogRecord);
    const measured = lines.filter((l) => !l.warmup);
    expect(lines.some((l) => l.warmup)).toBe(true);
    expect(measured.filter((l) => l.errorKind !== 'aborted').length).toBe(r.summary.total.requests);
    expect(measured.filter((l) => l.errorKind === 'aborted').length).toBe(r.summary.total.aborted);
  });
});
