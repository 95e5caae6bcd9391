/**
 * Conversations and prefix caches against the mock, compared with its ground
 * truth: turn indexes, growing history, sessions, cached tokens summed exactly,
 * and the per-run salt that keeps an earlier run's cache out of the figures.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockServer, type GroundTruthRecord, type MockServer } from '../../src/mock/server.js';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import { runFixture, runFixtureError } from '../helpers/run-fixture.js';

const DATASET = fileURLToPath(new URL('../fixtures/datasets/conversations.jsonl', import.meta.url));

let mock: MockServer;
let dir: string;

beforeAll(async () => {
  mock = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1, prefixCache: true });
  dir = mkdtempSync(join(tmpdir(), 'volley-conv-'));
});

afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => mock.clearGroundTruth());

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const chats = (): GroundTruthRecord[] => mock.groundTruth().filter((r) => r.path === '/v1/chat/completions');

async function run(options: Record<string, unknown>): Promise<RunSummary> {
  const r = await runFixture('llm/one-chat.ts', { host: mock.url, users: 1, workers: 1, ...options });
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.exitCode).toBe(0);
  return r.summary;
}

describe('conversations from a dataset (--conversations)', () => {
  it('plays each conversation turn by turn: exact counts per turn, growing history, sessions, cached tokens as the mock counted them', async () => {
    // One user, 9 task runs: three whole conversations of three turns each, in order.
    const s = await run({ dataset: DATASET, conversations: true, iterations: 9 });
    const gt = chats();
    expect(gt).toHaveLength(9);
    const turns = s.llm!.turns!;
    expect(turns.map((t) => [t.turn, t.requests, t.failures])).toEqual([
      [1, 3, 0],
      [2, 3, 0],
      [3, 3, 0],
    ]);
    // The requests of one session follow each other: the history, and so the input, grows turn by turn.
    for (let session = 0; session < 3; session++) {
      const [a, b, c] = gt.slice(session * 3, session * 3 + 3).map((r) => r.inputTokens);
      expect(b!).toBeGreaterThan(a!);
      expect(c!).toBeGreaterThan(b!);
    }
    for (const [i, t] of turns.entries()) {
      const ofTurn = gt.filter((_, k) => k % 3 === i);
      expect(t.inputTokens).toBe(sum(ofTurn.map((r) => r.inputTokens)));
      expect(t.outputTokens).toBe(sum(ofTurn.map((r) => r.outputTokens)));
      expect(t.cachedTokens).toBe(sum(ofTurn.map((r) => r.cachedTokens ?? 0)));
    }
    // Later turns re-send the earlier ones: the mock's cache answers part of them.
    expect(turns[2]!.cachedTokens).toBeGreaterThan(0);
    expect(s.llm!.sessions).toMatchObject({ started: 3, completed: 3, broken: 0 });
    expect(s.llm!.sessions!.turns).toMatchObject({ count: 3, min: 3, max: 3 });
    expect(s.llm!.cache).toMatchObject({ requests: 9, inputTokens: sum(gt.map((r) => r.inputTokens)), cachedTokens: sum(gt.map((r) => r.cachedTokens ?? 0)) });
    expect(s.llm!.cache!.hitRate).toBeCloseTo(s.llm!.cache!.cachedTokens / s.llm!.cache!.inputTokens, 5);
  });

  it('--turns caps the turns of each dataset conversation', async () => {
    const s = await run({ dataset: DATASET, conversations: true, turns: 2, iterations: 6 });
    expect(s.llm!.turns!.map((t) => [t.turn, t.requests])).toEqual([
      [1, 3],
      [2, 3],
    ]);
    expect(s.llm!.sessions).toMatchObject({ started: 3, completed: 3 });
  });

  it('a failed turn ends the session as broken, and the next chat() starts a new conversation', async () => {
    const failing = await startMockServer({ port: 0, ttftMs: 2, itlMs: 1, errorRate: 0.35, seed: 3 });
    try {
      const r = await runFixture('llm/one-chat.ts', { host: failing.url, users: 1, workers: 1, dataset: DATASET, conversations: true, iterations: 12 });
      const gt = failing.groundTruth();
      const llm = r.summary.llm!;
      const failed = gt.filter((g) => g.status !== 200).length;
      expect(failed).toBeGreaterThan(0);
      expect(sum(llm.turns!.map((t) => t.requests))).toBe(12);
      expect(sum(llm.turns!.map((t) => t.failures))).toBe(failed);
      // Every failure broke its session; sessions that ended = completed + broken.
      expect(llm.sessions!.broken).toBe(failed);
      expect(llm.sessions!.started).toBeGreaterThanOrEqual(llm.sessions!.completed + llm.sessions!.broken);
    } finally {
      await failing.close();
    }
  });

  it('`dataset` traffic on a file of multi-turn conversations says once how to play them whole', async () => {
    const r = await runFixture('llm/one-chat.ts', { host: mock.url, users: 2, workers: 1, dataset: DATASET, traffic: 'dataset', iterations: 2 });
    expect(r.exitCode).toBe(0);
    expect(r.stderr.match(/holds 2 conversations of several turns/g)).toHaveLength(1);
    expect(r.stderr).toContain('Pass --conversations');
    expect(r.summary.llm!.turns).toBeUndefined();
    const quiet = await runFixture('llm/one-chat.ts', { host: mock.url, users: 1, workers: 1, dataset: DATASET, conversations: true, iterations: 1 });
    expect(quiet.stderr).not.toContain('Pass --conversations');
  });

  it('a dataset without conversations is a user error before the run', async () => {
    const err = await runFixtureError('llm/one-chat.ts', { host: mock.url, users: 1, iterations: 1, conversations: true });
    expect(err.message).toMatch(/conversations need a dataset/);
    const txt = await runFixtureError('llm/one-chat.ts', { host: mock.url, users: 1, iterations: 1, conversations: true, dataset: fileURLToPath(new URL('../fixtures/datasets/unicode.txt', import.meta.url)) });
    expect(txt.message).toMatch(/holds no conversations/);
  });
});

describe('this.llm.conversation() in a scenario', () => {
  it('send() and end(), next() up to the planned turns: turn indexes and sessions as sent', async () => {
    const log = join(dir, 'requests.jsonl');
    const r = await runFixture('llm/conversation-api.ts', { host: mock.url, users: 1, workers: 1, iterations: 1, requestsLog: log });
    expect(r.exitCode).toBe(0);
    // Each --requests-log line says its turn, and the cached tokens the mock reported for it.
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { turn?: number; cachedTokens?: number });
    expect(lines.map((l) => l.turn)).toEqual([1, 2, 1, 2]);
    expect(lines.map((l) => l.cachedTokens)).toEqual(chats().map((g) => g.cachedTokens));
    for (const c of r.summary.checks) expect(c, c.name).toMatchObject({ passes: 1, fails: 0 });
    expect(r.summary.checks).toHaveLength(5);
    const llm = r.summary.llm!;
    expect(llm.turns!.map((t) => [t.turn, t.requests, t.outputTokens])).toEqual([
      [1, 2, 5 + 5],
      [2, 2, 7 + 5],
    ]);
    expect(llm.sessions).toMatchObject({ started: 2, completed: 2, broken: 0 });
  });
});

describe('conversations from the traffic (--turns)', () => {
  it('each turn adds a prompt of the traffic shape to the history; outputs follow the traffic', async () => {
    const s = await run({ turns: 4, traffic: 'D(40,6)', iterations: 8 });
    const gt = chats();
    const turns = s.llm!.turns!;
    expect(turns.map((t) => [t.turn, t.requests])).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
      [4, 2],
    ]);
    for (const t of turns) expect(t.outputTokens).toBe(2 * 6);
    // Turn k sends k prompts of 40 tokens and k-1 answers of 6: at least 46 tokens more than turn k-1.
    for (let i = 1; i < 8; i++) if (i % 4 !== 0) expect(gt[i]!.inputTokens).toBeGreaterThanOrEqual(gt[i - 1]!.inputTokens + 46);
    expect(s.llm!.sessions).toMatchObject({ started: 2, completed: 2, broken: 0 });
  });
});

describe('prefix pools and the per-run salt', () => {
  const poolRun = (extra: Record<string, unknown>) => run({ traffic: 'D(100,4)', prefixPool: 2, prefixLen: 64, iterations: 8, seed: 5, ...extra });

  it('every prompt starts with one of N prefixes: the mock caches them, and the client sums exactly what it reported', async () => {
    const s = await poolRun({});
    const gt = chats();
    expect(gt.every((r) => r.inputTokens === 100)).toBe(true);
    // The first request of the run finds nothing cached; the others reuse their prefix's 4 blocks of 16 tokens.
    expect(gt[0]!.cachedTokens).toBe(0);
    expect(gt.filter((r) => r.cachedTokens === 64).length).toBeGreaterThanOrEqual(8 - 2);
    expect(s.llm!.cache).toMatchObject({ requests: 8, inputTokens: 800, cachedTokens: sum(gt.map((r) => r.cachedTokens ?? 0)) });
  });

  it('with the salt (default), a second run against the same server gets no hit from the first; with --warm-cache it does', async () => {
    const first = await poolRun({});
    const firstCached = first.llm!.cache!.cachedTokens;
    mock.clearGroundTruth();
    const second = await poolRun({});
    expect(chats()[0]!.cachedTokens).toBe(0);
    expect(second.llm!.cache!.cachedTokens).toBe(firstCached);
    expect(second.meta.options.prefixSalt).not.toBe(first.meta.options.prefixSalt);

    await poolRun({ warmCache: true, seed: 11 });
    mock.clearGroundTruth();
    const warm = await poolRun({ warmCache: true, seed: 12 });
    // The prefixes are the same as in the run before: even the first request finds its prefix cached.
    expect(chats().every((r) => (r.cachedTokens ?? 0) >= 64)).toBe(true);
    expect(warm.llm!.cache!.cachedTokens).toBeGreaterThan(firstCached);
    expect(warm.meta.options.prefixSalt).toBeUndefined();
  });

  it('Anthropic: cache_read_input_tokens are summed as cached tokens, input_tokens plus them as input', async () => {
    process.env.VOLLEY_TEST_KEY = 'sk-ant-test-0123456789';
    const r = await runFixture('llm/anthropic-chat.ts', { host: mock.url, users: 1, workers: 1, traffic: 'D(100,4)', prefixPool: 1, prefixLen: 64, iterations: 5 });
    expect(r.exitCode).toBe(0);
    const gt = mock.groundTruth().filter((g) => g.path === '/v1/messages');
    expect(gt).toHaveLength(5);
    expect(gt.slice(1).every((g) => g.cachedTokens === 64)).toBe(true);
    expect(r.summary.llm!.cache).toMatchObject({ requests: 5, inputTokens: 500, cachedTokens: 4 * 64 });
  });

  it('--prefix-pool without a prefix length is a user error', async () => {
    const err = await runFixtureError('llm/one-chat.ts', { host: mock.url, users: 1, iterations: 1, prefixPool: 4 });
    expect(err.message).toMatch(/--prefix-pool 4 needs a prefix length/);
  });
});

it('summary.json and report.html of a conversation run carry the per-turn table', async () => {
  const out = join(dir, 'out');
  await run({ dataset: DATASET, conversations: true, iterations: 3, out });
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
  expect(summary.llm!.turns).toHaveLength(3);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  expect(html).toContain('<section id="conversations">');
  expect(html).toContain('TTFT p50 (ms)');
});
