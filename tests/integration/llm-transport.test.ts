/**
 * Which transport carries a run's LLM requests: Volley's own sockets for
 * http:// servers by default, undici with --llm-transport undici. A server
 * that records each request's `connection` header tells them apart (undici
 * writes `connection: keep-alive`, the socket transport leaves it out), and
 * both must give the same figures.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFixture } from '../helpers/run-fixture.js';

const TOKENS = 8;
let server: Server;
let url: string;
const connectionHeaders: Array<string | undefined> = [];

function event(body: unknown): string {
  return `data: ${JSON.stringify(body)}\n\n`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    connectionHeaders.push(req.headers.connection);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: unknown, finish: string | null = null) => event({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });
      res.write(chunk({ role: 'assistant', content: '' }));
      for (let i = 0; i < TOKENS; i++) res.write(chunk({ content: " the" }));
      res.write(chunk({}, 'stop'));
      res.write(event({ id: 'c', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 20, completion_tokens: TOKENS, total_tokens: 20 + TOKENS } }));
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((r) => server.close(r)));

describe('LLM transport', () => {
  it.each([
    ['socket (the default)', {}, undefined],
    ['undici (--llm-transport undici)', { llmTransport: 'undici' }, 'keep-alive'],
  ])('%s carries every request, with the same figures', { timeout: 60_000 }, async (_name, options, connection) => {
    connectionHeaders.length = 0;
    const r = await runFixture('llm/one-chat.ts', { host: url, users: 2, workers: 1, iterations: 6, ...options });
    expect(r.exitCode).toBe(0);
    const llm = r.summary.llm!;
    expect(llm.requests).toBe(6);
    expect(llm.failures).toBe(0);
    expect(llm.outputTokens).toBe(6 * TOKENS);
    expect(llm.ttftMs.count).toBe(6);
    expect(connectionHeaders).toHaveLength(6);
    expect(new Set(connectionHeaders)).toEqual(new Set([connection]));
  });

  it('refuses an unknown transport, naming the flag', { timeout: 30_000 }, async () => {
    await expect(runFixture('llm/one-chat.ts', { host: url, iterations: 1, llmTransport: 'curl' })).rejects.toThrow(/llm-transport|llmTransport/);
  });
});
