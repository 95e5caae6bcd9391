/**
 * The example scenarios of scenarios/ run as documented (short runs, real workers).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFixture } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';
import { startMockServer } from '../../src/mock/server.js';

const example = (name: string) => fileURLToPath(new URL(`../../scenarios/${name}`, import.meta.url));
const rows = (endpoints: Array<{ method: string; name: string }>) => endpoints.map((e) => `${e.method} ${e.name}`).sort();

let target: TargetServer;
beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(() => target.close());

describe('example scenarios', () => {
  it('quickstart.ts runs against the built-in mock server with every check passing', async () => {
    const r = await runFixture(example('quickstart.ts'), { users: 2, workers: 1, iterations: 20 });
    expect(r.exitCode).toBe(0);
    expect(rows(r.summary.endpoints)).toEqual(['GET /health', 'GET /v1/models']);
    expect(r.summary.total.requests).toBe(20);
    expect(r.summary.checks.length).toBe(3);
    for (const c of r.summary.checks) expect(c.fails).toBe(0);
  });

  it('conversation.ts replays whole conversations against the mock: sessions, a row per turn, the mock\'s cache hits', async () => {
    const r = await runFixture(example('conversation.ts'), { users: 2, workers: 1, iterations: 4, turnThink: 0 });
    expect(r.exitCode).toBe(0);
    const llm = r.summary.llm!;
    expect(llm.sessions).toMatchObject({ started: 4, completed: 4, broken: 0 });
    expect(llm.turns![0]!.requests).toBe(4);
    expect(llm.turns!.reduce((a, t) => a + t.requests, 0)).toBe(llm.requests);
    expect(llm.cache!.cachedTokens).toBeGreaterThan(0);
  });

  it('shop.ts runs every class against a shop server without a failure', async () => {
    const r = await runFixture(example('shop.ts'), { host: target.url, users: 6, workers: 2, duration: '2s' });
    expect(r.summary.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(target.hits.get('POST /login')).toBe(3); // Shopper: 3 of the 5 weighted users; Admin is pinned to 1
    expect(target.hits.get('GET /admin/stats')).toBeGreaterThanOrEqual(1);
    expect(r.summary.checks.find((c) => c.name === 'login succeeded')).toEqual({ name: 'login succeeded', passes: 3, fails: 0 });
  });

  it('shop.ts with --tags checkout runs only the checkout sequence', async () => {
    const r = await runFixture(example('shop.ts'), { host: target.url, users: 6, workers: 1, duration: '1s', tags: 'checkout' });
    const names = r.summary.tasks.map((t) => t.name);
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(['Checkout', 'addToCart', 'pay']).toContain(n);
  });

  it('custom-protocol.ts reports its measurements like requests', async () => {
    const r = await runFixture(example('custom-protocol.ts'), { users: 2, workers: 1, duration: '1s' });
    expect(r.exitCode).toBe(0);
    expect(rows(r.summary.endpoints)).toEqual(['tcp echo', 'tcp echo batch (5)']);
    expect(r.summary.errors).toEqual([]);
    expect(r.summary.counters.lines_sent).toBeGreaterThan(0);
    expect(r.summary.trends.echo_ms_per_line!.count).toBeGreaterThan(0);
  });

  it("chat.ts (npm start) sends the traffic's shape: prompts ~480 tokens, replies ~300, not the server's default", async () => {
    const mock = await startMockServer({ port: 0, ttftMs: 1, itlMs: 0 });
    try {
      const r = await runFixture(example('chat.ts'), { host: mock.url, users: 4, workers: 1, iterations: 60 });
      expect(r.exitCode).toBe(0);
      const seen = mock.groundTruth();
      expect(seen.length).toBe(60);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      // N(300,150) over 60 requests: the mean is within ±100 with certainty for all practical purposes; the mock's default is 128 every time.
      expect(mean(seen.map((g) => g.outputTokens))).toBeGreaterThan(200);
      expect(mean(seen.map((g) => g.outputTokens))).toBeLessThan(400);
      expect(mean(seen.map((g) => g.inputTokens))).toBeGreaterThan(330);
      expect(new Set(seen.map((g) => g.outputTokens)).size).toBeGreaterThan(10);
    } finally {
      await mock.close();
    }
  });

  it('agent-loop.ts calls a tool, answers it and gets a text reply: two timed requests per question', async () => {
    const mock = await startMockServer({ port: 0, ttftMs: 1, itlMs: 0 });
    try {
      const r = await runFixture(example('agent-loop.ts'), { host: mock.url, users: 2, workers: 1, iterations: 10 });
      expect(r.exitCode).toBe(0);
      expect(r.summary.errors).toEqual([]);
      expect(r.summary.counters['agent.answers']).toBe(10);
      expect(r.summary.counters['agent.turns']).toBe(20);
      expect(r.summary.counters['agent.tool_calls']).toBe(10);
      const llm = r.summary.llm!;
      expect(llm.requests).toBe(20);
      // Tool-call turns are timed too: every request has its TTFT, and 40 output tokens.
      expect(llm.ttftMs.count).toBe(20);
      expect(llm.outputTokens).toBe(800);
      expect(mock.groundTruth().reduce((n, g) => n + g.outputTokens, 0)).toBe(800);
    } finally {
      await mock.close();
    }
  });
});
