/**
 * Providers through the real `bench` binary: a scenario's own provider
 * (registerProvider) against a server of its own, --provider checked against
 * the registered names, a Bedrock run whose every request is refused stops
 * early (exit 2) without printing the secret, and --retries counted apart.
 * Counts, not timings.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import { startMockServer } from '../../src/mock/server.js';
import { MOCK_AWS_CREDENTIALS } from '../../src/mock/cloud-auth.js';
import { bench } from '../helpers/bench-process.js';
import { SCENARIOS } from '../helpers/run-fixture.js';

const ACME_KEY = 'acme-key-0123456789';
const TOKENS = 8;

async function startServer(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ url: string; seen(): number; close(): Promise<void> }> {
  let seen = 0;
  const server: Server = createServer((req, res) => {
    seen++;
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen: () => seen,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** The "acme" API of tests/fixtures/scenarios/llm/custom-provider.ts: `token` events a few ms apart, then `end` with the usage. */
function acme(req: IncomingMessage, res: ServerResponse, body: string): void {
  if (req.url !== '/acme/generate' || req.headers['x-acme-key'] !== ACME_KEY) {
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"bad key"}');
    return;
  }
  const { max_new_tokens: n = TOKENS } = JSON.parse(body) as { max_new_tokens?: number };
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    if (i < n) {
      res.write(`event: token\ndata: ${JSON.stringify({ t: ` w${i++}` })}\n\n`);
      setTimeout(next, 3);
    } else res.end(`event: end\ndata: ${JSON.stringify({ reason: 'length', usage: { in: 40, out: n } })}\n\n`);
  };
  setTimeout(next, 5);
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'volley-providers-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const readSummary = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;

describe('a provider of the scenario’s own', () => {
  it('gets every LLM metric: TTFT, ITL, TPOT, E2E and the server’s token counts', async () => {
    const server = await startServer(acme);
    const out = join(tmp, 'acme');
    try {
      const r = await bench(['run', join(SCENARIOS, 'llm/custom-provider.ts'), '-u', '2', '-w', '1', '--iterations', '6', '-H', server.url, '--out', out], { env: { ACME_KEY } });
      expect(r.stderr).not.toContain('error');
      expect(r.code).toBe(0);
      const llm = readSummary(out).llm!;
      expect(llm.requests).toBe(6);
      expect(llm.failures).toBe(0);
      expect(llm.outputTokens).toBe(6 * TOKENS);
      expect(llm.inputTokens).toBe(6 * 40);
      for (const stat of [llm.ttftMs, llm.tpotMs, llm.e2eMs, llm.outputSpeedTokPerS]) expect(stat.count).toBe(6);
      expect(llm.itlMs.count).toBe(6 * (TOKENS - 1));
      expect(readSummary(out).endpoints.find((e) => e.name === '/acme/generate')).toMatchObject({ requests: 6, failures: 0 });
      expect(r.stdout).not.toContain(ACME_KEY);
    } finally {
      await server.close();
    }
  });

  it('--provider with a name nobody registered: exit 2, listing the registered names, the scenario’s own included', async () => {
    const r = await bench(['run', join(SCENARIOS, 'llm/custom-provider.ts'), '--iterations', '1', '-H', 'http://127.0.0.1:9', '--provider', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown provider "nope"');
    expect(r.stderr).toMatch(/hint: use one of openai, azure, anthropic, cohere, bedrock, vertex, vertex-openai, oci, acme/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('bedrock against the mock, with a wrong secret key', () => {
  it('stops early with exit 2, names the host and the AWS credentials, never prints the secret', async () => {
    const mock = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1 });
    const out = join(tmp, 'bedrock-auth');
    const secret = 'wrong-aws-secret-access-key-42';
    try {
      const r = await bench(['run', join(SCENARIOS, 'guard/chat-loop.ts'), '-u', '2', '-w', '1', '-t', '30s', '-H', mock.url, '--provider', 'bedrock', '--out', out], {
        env: { AWS_ACCESS_KEY_ID: MOCK_AWS_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: secret, AWS_PROFILE: '', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(tmp, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'none') },
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`LLM requests were all refused with HTTP 401/403 (auth) by ${mock.url}`);
      expect(r.stderr).toContain('hint: check the AWS credentials');
      const s = readSummary(out);
      expect(s.meta.exitCode).toBe(2);
      expect(s.llm?.errorsByKind.auth).toBeGreaterThanOrEqual(5);
      // A handful of requests, not 30 s of them.
      expect(mock.groundTruth().length).toBeLessThan(200);
      for (const text of [r.stdout, r.stderr, readFileSync(join(out, 'summary.json'), 'utf8')]) expect(text).not.toContain(secret);
    } finally {
      await mock.close();
    }
  });
});

describe('--retries', () => {
  it('tries again after a 503 (its Retry-After honoured): each failed try is still a failure, and retries are counted apart', async () => {
    // Every other request is refused with 503: one user's each chat fails once, then passes on its retry.
    let n = 0;
    const server = await startServer((_req, res) => {
      if (n++ % 2 === 0) {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' }).end('{"error":{"message":"overloaded"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'fine thanks' }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 2 } }));
    });
    const out = join(tmp, 'retries');
    try {
      const r = await bench(['run', join(SCENARIOS, 'guard/chat-loop.ts'), '-u', '1', '-w', '1', '--iterations', '4', '-H', server.url, '--retries', '2', '--out', out], { env: { OPENAI_API_KEY: '' } });
      expect(r.code).toBe(1); // failures were recorded: the run is not made to look clean
      const s = readSummary(out);
      expect(s.llm!.requests).toBe(8);
      expect(s.llm!.failures).toBe(4);
      expect(s.llm!.errorsByKind.http_5xx).toBe(4);
      expect(s.llm!.retries).toBe(4);
      expect(s.llm!.retriesByName).toEqual({ '/v1/chat/completions': 4 });
      expect(server.seen()).toBe(8);
    } finally {
      await server.close();
    }
  });

  it('is off by default: the same server fails every other chat, with no retry', async () => {
    let n = 0;
    const server = await startServer((_req, res) => {
      if (n++ % 2 === 0) res.writeHead(503, { 'retry-after': '0' }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }] }));
    });
    const out = join(tmp, 'no-retries');
    try {
      await bench(['run', join(SCENARIOS, 'guard/chat-loop.ts'), '-u', '1', '-w', '1', '--iterations', '4', '-H', server.url, '--out', out], { env: { OPENAI_API_KEY: '' } });
      const s = readSummary(out);
      expect(s.llm!.requests).toBe(4);
      expect(s.llm!.failures).toBe(2);
      expect(s.llm!.retries).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
