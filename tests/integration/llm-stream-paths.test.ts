import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExchange } from '../../src/clients/llm/exchange.js';
import { undiciTransport } from '../../src/clients/transport.js';
import { SocketPool } from '../../src/clients/wire/socket-pool.js';
import { parseOpenAiChatEvent } from '../../src/clients/llm/openai.js';
import { seededRandom } from '../../src/util/random.js';

// The exchange reads token events three ways: straight from the bytes once it
// knows the stream's shape (ContentTemplate), from a `data:` payload string
// (the SSE fast path), or through eventsource-parser. Whatever the chunking,
// the text must be the text that was sent.

const random = seededRandom(11);
const words = [' the', ' sonnet', ' héllo', ' 🎉', ' say "hi"', ' back\\slash', '\n', ' tab\t', ' </b>', ' a/b', ''];
const texts = Array.from({ length: 300 }, () => words[Math.floor(random() * words.length)]!);

function chunk(id: string, delta: Record<string, unknown>, finish: string | null = null): string {
  return JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null });
}

function body(eol: string): string {
  const events = [chunk('c', { role: 'assistant', content: '' })];
  for (const t of texts) events.push(chunk('c', { content: t }));
  events.push(chunk('c', {}, 'stop'));
  let out = '';
  for (const [i, e] of events.entries()) {
    if (i === 100) out += `: keep-alive${eol}${eol}`;
    if (i === 200) out += `event: message${eol}`;
    out += `data: ${e}${eol}${eol}`;
  }
  return out + `data: [DONE]${eol}${eol}`;
}

let server: Server;
let origin: string;
const agent = new Agent();
const sockets = new SocketPool();
const transports = { undici: undiciTransport(agent), socket: sockets };

beforeAll(async () => {
  server = createServer((req, res) => {
    const eol = req.url?.includes('crlf') ? '\r\n' : '\n';
    const bytes = Buffer.from(body(eol));
    const cuts = req.url?.includes('bytewise') ? 7 : 1000;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let at = 0;
    const next = () => {
      if (at >= bytes.length) return void res.end();
      // Odd-sized writes: events and UTF-8 characters split across chunks, several events in one.
      const n = 1 + Math.floor(random() * cuts);
      res.write(bytes.subarray(at, at + n));
      at += n;
      setImmediate(next);
    };
    next();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await agent.close();
  sockets.close();
  await new Promise((r) => server.close(r));
});

describe('token events, whichever path reads them', () => {
  for (const [name, transport] of Object.entries(transports))
  for (const path of ['/lf', '/lf-bytewise', '/crlf', '/crlf-bytewise']) {
    it(`gives back exactly the text sent (${name}, ${path})`, async () => {
      const out = await runExchange(transport, new AbortController().signal, {
        origin,
        method: 'POST',
        path,
        headers: {},
        body: '{}',
        stream: true,
        timeoutMs: 20_000,
        parseEvent: (_e, data, d) => parseOpenAiChatEvent(data, d),
      });
      expect(out.errorMessage).toBeUndefined();
      expect(out.content.join('')).toBe(texts.join(''));
      expect(out.content).toEqual(texts.filter((t) => t !== ''));
      expect(out.chunkTimes).toHaveLength(texts.filter((t) => t !== '').length);
      expect(out.finishReason).toBe('stop');
      expect(out.done).toBe(true);
    });
  }
});
