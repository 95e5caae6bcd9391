/**
 * A generator is pointed at servers that misbehave by definition. Each kind
 * of tests/helpers/hostile-servers.ts runs against HttpUser and LLMUser over
 * both transports each, for a short run: failures are counted under the kind
 * they are (timeout, protocol, body_too_large, network...), the results are
 * written, and no hostile answer stalls a request past --request-timeout.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary as Summary } from '../../src/metrics/summary-types.js';
import { startHostileServer, type HostileKind, type HostileServer } from '../helpers/hostile-servers.js';
import { runFixture } from '../helpers/run-fixture.js';

const KEY = 'sk-hostile-0123456789abcdef';
const USERS = 2;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'volley-hostile-'));
  process.env.VOLLEY_HOSTILE_KEY = KEY;
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  delete process.env.VOLLEY_HOSTILE_KEY;
});

/** An HttpUser failure's kind: the prefix Volley gives it, `http` for a status, else `network`. */
function httpKind(message: string): string {
  const m = /^(timeout|protocol|body_too_large):/.exec(message);
  if (m) return m[1]!;
  return message.startsWith('HTTP ') ? 'http' : 'network';
}

/** Failures by kind: the LLM client's errorsByKind, HttpUser's messages classified. */
function failuresByKind(s: Summary, llm: boolean): Record<string, number> {
  if (llm) {
    const { aborted: _aborted, ...kinds } = s.llm?.errorsByKind ?? {};
    return kinds;
  }
  const out: Record<string, number> = {};
  for (const e of s.errors) out[httpKind(e.message)] = (out[httpKind(e.message)] ?? 0) + e.count;
  return out;
}

interface Expectation {
  /** The only kind of failure; undefined: none at all. */
  kind?: string | ((llm: boolean) => string);
  /** Some requests also succeed. */
  successes?: boolean;
}

const CASES: Array<[HostileKind, Expectation]> = [
  ['never-answers', { kind: 'timeout' }],
  ['stall-after-headers', { kind: 'timeout' }],
  ['trickle', { kind: 'timeout' }],
  ['endless-body', { kind: 'body_too_large' }],
  ['huge-body', { kind: 'body_too_large' }],
  ['endless-stream', { kind: 'body_too_large' }],
  ['reset-mid-body', { kind: (llm) => (llm ? 'stream_broken' : 'network') }],
  ['invalid-http', { kind: 'protocol' }],
  ['bad-chunk', { kind: 'protocol' }],
  ['close-after-each', { successes: true }],
];

const CLIENTS = [
  { name: 'HttpUser, socket transport', scenario: 'hostile/http-get.ts', options: { httpTransport: 'socket' } },
  { name: 'HttpUser, undici transport', scenario: 'hostile/http-get.ts', options: { httpTransport: 'undici' } },
  { name: 'LLMUser, socket transport', scenario: 'hostile/llm-chat.ts', options: { llmTransport: 'socket' } },
  { name: 'LLMUser, undici transport', scenario: 'hostile/llm-chat.ts', options: { llmTransport: 'undici' } },
] as const;

async function runAgainst(server: HostileServer, client: (typeof CLIENTS)[number], out: string, extra: Record<string, unknown> = {}) {
  const llm = client.scenario.includes('llm');
  return runFixture(client.scenario, {
    host: server.url,
    users: USERS,
    workers: 1,
    duration: '2s',
    requestTimeout: '1s',
    // Longer than the deadline: every request ends by itself before the stop would abort it.
    stopTimeout: '3s',
    out,
    ...(llm ? { requestsLog: join(out, 'requests.jsonl') } : {}),
    ...client.options,
    ...extra,
  });
}

describe.each(CLIENTS)('$name against hostile servers', (client) => {
  const llm = client.scenario.includes('llm');

  it.each(CASES)('%s', { timeout: 60_000 }, async (kind, expected) => {
    const server = await startHostileServer(kind);
    const out = join(dir, `${client.name.replace(/\W+/g, '-')}-${kind}`);
    try {
      const r = await runAgainst(server, client, out);
      const total = r.summary.total;
      const byKind = failuresByKind(r.summary, llm);
      const want = typeof expected.kind === 'function' ? expected.kind(llm) : expected.kind;
      if (want === undefined) expect(byKind).toEqual({});
      else {
        expect(Object.keys(byKind)).toEqual([want]);
        // Each user fails at least once in 2 s with a 1 s deadline: no request outlives it.
        expect(byKind[want]).toBeGreaterThanOrEqual(USERS);
        expect(total.failures).toBe(byKind[want]);
      }
      // A run with failures exits 1, one without exits 0 (whatever the rule for runs where nothing completed).
      expect(r.exitCode).toBe(want === undefined ? 0 : 1);
      if (expected.successes) expect(total.requests - total.failures).toBeGreaterThan(USERS);
      else expect(total.requests).toBe(total.failures);
      // Every request ended by its deadline or its answer: none left for the stop to abort.
      expect(total.aborted).toBe(0);
      expect(existsSync(join(out, 'summary.json'))).toBe(true);
      if (llm) {
        const lines = readFileSync(join(out, 'requests.jsonl'), 'utf8').trim().split('\n');
        expect(lines.length).toBe(total.requests);
      }
    } finally {
      await server.close();
    }
  });

  it('killed mid-run: answers, then network failures', { timeout: 60_000 }, async () => {
    const server = await startHostileServer('killed-mid-run', { killAfterRequests: 20 });
    const out = join(dir, `${client.name.replace(/\W+/g, '-')}-killed`);
    try {
      const r = await runAgainst(server, client, out);
      const total = r.summary.total;
      expect(total.requests - total.failures).toBeGreaterThan(0);
      expect(total.failures).toBeGreaterThan(0);
      const byKind = failuresByKind(r.summary, llm);
      // Refused connections; a stream cut by the kill is a broken stream.
      for (const k of Object.keys(byKind)) expect(['network', 'stream_broken']).toContain(k);
      expect(r.exitCode).toBe(1);
      expect(existsSync(join(out, 'summary.json'))).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('429 with Retry-After: each user waits it out, and the message says so', { timeout: 60_000 }, async () => {
    const server = await startHostileServer('retry-after');
    const out = join(dir, `${client.name.replace(/\W+/g, '-')}-retry-after`);
    try {
      const r = await runAgainst(server, client, out);
      // Retry-After 5s in a 2 s run: one request per user, the next one held until the run ended.
      expect(server.requests()).toBe(USERS);
      const total = r.summary.total;
      expect(total.failures).toBe(USERS);
      expect(r.summary.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^HTTP 429\b.*\(Retry-After 5s\)$/)]);
      if (llm) expect(failuresByKind(r.summary, llm)).toEqual({ http_429: USERS });
      expect(r.exitCode).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('the requests log and a server that echoes the key', () => {
  it.each(['socket', 'undici'])('writes no key to any file (%s transport)', { timeout: 60_000 }, async (transport) => {
    const server = await startHostileServer('echo-key');
    const out = join(dir, `echo-key-${transport}`);
    try {
      const r = await runAgainst(server, CLIENTS.find((c) => c.name.startsWith('LLMUser'))!, out, { llmTransport: transport });
      expect(r.summary.llm!.requests).toBeGreaterThan(0);
      const log = readFileSync(join(out, 'requests.jsonl'), 'utf8');
      const ids = log.trim().split('\n').map((l) => (JSON.parse(l) as { id?: string }).id);
      expect(new Set(ids)).toEqual(new Set(['req-Bearer ***']));
      for (const file of ['requests.jsonl', 'summary.json']) expect(readFileSync(join(out, file), 'utf8')).not.toContain(KEY);
    } finally {
      await server.close();
    }
  });
});
