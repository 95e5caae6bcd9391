/**
 * Warnings raised inside a worker (by the LLM client, the requests log) travel
 * the worker protocol's `warning` message: the run prints each once on its own
 * stderr and keeps it in summary.json, as it does the engine's own warnings.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runFixture } from '../helpers/run-fixture.js';

let server: Server;
let url: string;

// An OpenAI-style stream whose usage says 50 output tokens for a one-token answer.
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant', content: 'hi' } }] })}\n\n`);
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 20, completion_tokens: 50 } })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

it("says a worker's token-count warning once, on the run's stderr and in summary.json", async () => {
  const r = await runFixture('llm/one-chat.ts', { host: url, users: 2, workers: 2, iterations: 6 });
  expect(r.summary.counters['llm.token_mismatch']).toBe(6);
  const message = r.summary.warnings?.find((w) => w.includes('the server counted 50 output tokens'));
  expect(message).toBeDefined();
  expect(r.stderr.split(message!).length - 1).toBe(1);
});
