/**
 * A run that can only flood its target: every request refused (401/403) or
 * unable to connect. The users back off, the run stops early with a user
 * error naming the key's variable or the host, and exits 2. Counts, not timings.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import { bench } from '../helpers/bench-process.js';
import { SCENARIOS } from '../helpers/run-fixture.js';

/** Answers every request with 401, as an API does for a missing or wrong key, and counts them. */
async function startRefusingServer(status: number): Promise<{ url: string; seen(): number; close(): Promise<void> }> {
  let seen = 0;
  const server: Server = createServer((req, res) => {
    seen++;
    req.resume();
    req.on('end', () => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen: () => seen,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** A port on 127.0.0.1 where nothing listens (taken, then let go). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'volley-guard-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const readSummary = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
const noKey = { OPENAI_API_KEY: '', VOLLEY_TEST_OWN_KEY: '' };

describe('a server that refuses the API key', () => {
  it('2 users over 4 s send a handful of requests, not thousands; the run stops early, names OPENAI_API_KEY and exits 2', async () => {
    const server = await startRefusingServer(401);
    const out = join(tmp, 'auth');
    try {
      const r = await bench(['run', join(SCENARIOS, 'guard/chat-loop.ts'), '-u', '2', '-w', '1', '-t', '4s', '-H', server.url, '--out', out], { env: noKey });
      expect(r.code).toBe(2);
      // Before: 26,235 requests in 4 s. Backoff and the early stop leave a handful.
      expect(server.seen()).toBeGreaterThanOrEqual(5);
      expect(server.seen()).toBeLessThan(200);
      expect(r.stderr).toContain('error: stopped early: the first');
      expect(r.stderr).toContain('LLM requests were all refused with HTTP 401/403 (auth)');
      expect(r.stderr).toContain('hint: OPENAI_API_KEY is not set');
      const s = readSummary(out);
      expect(s.meta.exitCode).toBe(2);
      expect(s.meta.stopReason).toMatch(/^stopped early: the first \d+ LLM requests were all refused/);
      expect(s.llm?.errorsByKind.auth).toBeGreaterThanOrEqual(5);
      expect(s.llm?.errorsByKind.http_4xx).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it("a key that is set but refused (403): names the scenario's apiKeyEnv, never the key's value; stops even without backoff", async () => {
    const server = await startRefusingServer(403);
    const secret = 'sk-test-not-a-real-key-1234';
    try {
      const r = await bench(['run', join(SCENARIOS, 'guard/own-key.ts'), '-u', '2', '-w', '1', '-t', '4s', '-H', server.url], { env: { ...noKey, VOLLEY_TEST_OWN_KEY: secret } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('hint: the server refused the key in VOLLEY_TEST_OWN_KEY');
      expect(r.stderr + r.stdout).not.toContain(secret);
    } finally {
      await server.close();
    }
  });
});

describe('a host where nothing listens', () => {
  it('HTTP users back off; the run stops early naming the host and exits 2', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`;
    const out = join(tmp, 'connect');
    const r = await bench(['run', join(SCENARIOS, 'guard/get-loop.ts'), '-u', '2', '-w', '1', '-t', '4s', '-H', host, '--skip-host-check', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: stopped early: the first`);
    expect(r.stderr).toContain(`requests all failed to connect to ${host}`);
    expect(r.stderr).toContain('ECONNREFUSED');
    const s = readSummary(out);
    expect(s.meta.exitCode).toBe(2);
    // Without backoff, a refused connection is retried in a tight loop: thousands a second.
    expect(s.total.requests).toBeLessThan(200);
    expect(s.counters['http.connect_errors']).toBe(s.total.requests);
  });
});
