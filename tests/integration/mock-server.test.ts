import { get_encoding } from 'tiktoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

const encoder = get_encoding('cl100k_base');
const countTokens = (text: string) => encoder.encode_ordinary(text).length;

interface SseEvent {
  event?: string;
  data: string;
}

/** Splits an SSE body into events; each keeps its `event:` name and `data:` text. */
function parseSse(body: string): SseEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event: SseEvent = { data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event.event = line.slice(7);
        else if (line.startsWith('data: ')) event.data = line.slice(6);
      }
      return event;
    });
}

const json = (event: SseEvent) => JSON.parse(event.data) as Record<string, any>;

function post(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

const chat = (extra: Record<string, unknown> = {}) => ({ model: 'gpt-test', messages: [{ role: 'user', content: 'Say hello to the world.' }], ...extra });

/** Waits until `check` holds, polling; for state the server settles a moment after the client sees it. */
async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, ttftMs: 5, itlMs: 1 });
});
afterAll(async () => {
  await mock.close();
  encoder.free();
});

describe('OpenAI chat completions', () => {
  it('streams a role chunk, one token per chunk, a finish chunk, usage and [DONE]', async () => {
    const res = await post(`${mock.url}/v1/chat/completions`, chat({ stream: true, max_tokens: 12, stream_options: { include_usage: true } }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const id = res.headers.get('x-mock-request-id');
    const events = parseSse(await res.text());

    expect(events.at(-1)!.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map(json);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id, object: 'chat.completion.chunk', model: 'gpt-test' });
    }
    expect(chunks[0]!.choices[0]).toMatchObject({ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null });
    const tokens = chunks.slice(1, 13);
    expect(tokens.every((c) => typeof c.choices[0].delta.content === 'string' && c.usage === null)).toBe(true);
    expect(tokens.map((c) => countTokens(c.choices[0].delta.content))).toEqual(new Array(12).fill(1));
    expect(chunks[13]!.choices[0]).toMatchObject({ delta: {}, finish_reason: 'length' });

    const usageChunk = chunks[14]!;
    expect(usageChunk.choices).toEqual([]);
    const text = tokens.map((c) => c.choices[0].delta.content).join('');
    expect(usageChunk.usage).toEqual({
      prompt_tokens: countTokens('Say hello to the world.'),
      completion_tokens: countTokens(text),
      total_tokens: countTokens('Say hello to the world.') + 12,
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(chunks).toHaveLength(15);
  });

  it('answers without streaming, after the whole generation time', async () => {
    const res = await post(`${mock.url}/v1/chat/completions`, chat({ max_completion_tokens: 7 }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body).toMatchObject({ id: res.headers.get('x-mock-request-id'), object: 'chat.completion', model: 'gpt-test' });
    expect(body.choices[0]).toMatchObject({ index: 0, finish_reason: 'length', message: { role: 'assistant' } });
    expect(countTokens(body.choices[0].message.content)).toBe(7);
    expect(body.usage).toMatchObject({ completion_tokens: 7, prompt_tokens: countTokens('Say hello to the world.') });
    const record = mock.groundTruth().find((r) => r.id === body.id)!;
    expect(record).toMatchObject({ outputTokens: 7, chunks: 1, status: 200 });
    expect(record.lastTokenAt! - record.receivedAt).toBeGreaterThanOrEqual(5 + 6 * 1);
  });

  it('uses defaultOutputTokens and a natural stop without max_tokens', async () => {
    const res = await post(`${mock.url}/v1/chat/completions`, chat());
    const body = (await res.json()) as Record<string, any>;
    expect(body.usage.completion_tokens).toBe(128);
    expect(body.choices[0].finish_reason).toBe('stop');
  });

  it('accepts vLLM min_tokens and ignore_eos and counts array content parts', async () => {
    const res = await post(`${mock.url}/v1/chat/completions`, {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'one two' }, { type: 'text', text: ' three' }] }],
      max_tokens: 3,
      min_tokens: 3,
      ignore_eos: true,
    });
    const body = (await res.json()) as Record<string, any>;
    expect(body.usage).toMatchObject({ prompt_tokens: countTokens('one two three'), completion_tokens: 3 });
  });

  it('writes tokensPerChunk tokens per chunk, from the x-mock-tokens-per-chunk header', async () => {
    const res = await post(`${mock.url}/v1/chat/completions`, chat({ stream: true, max_tokens: 10 }), { 'x-mock-tokens-per-chunk': '3' });
    const chunks = parseSse(await res.text()).slice(1, -2).map(json);
    expect(chunks.map((c) => countTokens(c.choices[0].delta.content))).toEqual([3, 3, 3, 1]);
    const record = mock.groundTruth().find((r) => r.id === res.headers.get('x-mock-request-id'))!;
    expect(record).toMatchObject({ outputTokens: 10, chunks: 4 });
  });
});

describe('server options', () => {
  it('puts the role on the first token when roleChunk is off', async () => {
    const server = await startMockServer({ ttftMs: 1, itlMs: 0, roleChunk: false });
    try {
      const res = await post(`${server.url}/v1/chat/completions`, chat({ stream: true, max_tokens: 3 }));
      const chunks = parseSse(await res.text()).slice(0, -1).map(json);
      expect(chunks[0]!.choices[0].delta).toEqual({ role: 'assistant', content: expect.any(String) });
      expect(countTokens(chunks[0]!.choices[0].delta.content)).toBe(1);
      expect(chunks[1]!.choices[0].delta.role).toBeUndefined();
      expect(chunks).toHaveLength(4);
    } finally {
      await server.close();
    }
  });

  it('streams reasoning_content before the content; both count in max_tokens', async () => {
    const server = await startMockServer({ ttftMs: 1, itlMs: 1, reasoningTokens: 3 });
    try {
      const res = await post(`${server.url}/v1/chat/completions`, chat({ stream: true, max_tokens: 8, stream_options: { include_usage: true } }));
      const chunks = parseSse(await res.text()).slice(1, -1).map(json);
      const deltas = chunks.filter((c) => c.choices.length > 0).map((c) => c.choices[0].delta);
      expect(deltas.slice(0, 3).every((d) => typeof d.reasoning_content === 'string' && d.content === undefined)).toBe(true);
      expect(deltas.slice(3, 8).every((d) => typeof d.content === 'string' && d.reasoning_content === undefined)).toBe(true);
      const reasoning = deltas.slice(0, 3).map((d) => d.reasoning_content).join('');
      const content = deltas.slice(3, 8).map((d) => d.content).join('');
      expect([countTokens(reasoning), countTokens(content)]).toEqual([3, 5]);
      expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: 8, completion_tokens_details: { reasoning_tokens: 3 } });

      const [record] = server.groundTruth();
      expect(record!.firstContentAt!).toBeGreaterThan(record!.firstTokenAt!);
      expect(record!.outputTokens).toBe(8);
    } finally {
      await server.close();
    }
  });

  it('injects the same errors for the same seed', async () => {
    const statuses = async () => {
      const server = await startMockServer({ ttftMs: 0, itlMs: 0, errorRate: 0.5, errorStatus: 503, seed: 42 });
      try {
        const out: number[] = [];
        for (let i = 0; i < 12; i++) {
          const res = await post(`${server.url}/v1/chat/completions`, chat({ max_tokens: 1 }));
          await res.arrayBuffer();
          out.push(res.status);
        }
        return out;
      } finally {
        await server.close();
      }
    };
    const first = await statuses();
    expect(await statuses()).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(200);
  });

  it('fails every request with errorRate 1', async () => {
    const server = await startMockServer({ errorRate: 1, errorStatus: 502 });
    try {
      const res = await post(`${server.url}/v1/chat/completions`, chat({ stream: true }));
      expect(res.status).toBe(502);
      expect(((await res.json()) as any).error.type).toBe('server_error');
    } finally {
      await server.close();
    }
  });
});

describe('OpenAI completions, embeddings and models', () => {
  it('streams legacy completions with usage', async () => {
    const res = await post(`${mock.url}/v1/completions`, { model: 'm', prompt: 'Once upon a time', max_tokens: 4, stream: true, stream_options: { include_usage: true } });
    const events = parseSse(await res.text());
    expect(events.at(-1)!.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map(json);
    expect(chunks.every((c) => c.object === 'text_completion')).toBe(true);
    expect(chunks.slice(0, 4).map((c) => countTokens(c.choices[0].text))).toEqual([1, 1, 1, 1]);
    expect(chunks[4]!.choices[0]).toMatchObject({ text: '', finish_reason: 'length' });
    expect(chunks[5]!.usage).toEqual({ prompt_tokens: countTokens('Once upon a time'), completion_tokens: 4, total_tokens: countTokens('Once upon a time') + 4 });
  });

  it('answers completions for a prompt array without streaming', async () => {
    const res = await post(`${mock.url}/v1/completions`, { prompt: ['first prompt', 'second'], max_tokens: 5 });
    const body = (await res.json()) as Record<string, any>;
    expect(body.object).toBe('text_completion');
    expect(countTokens(body.choices[0].text)).toBe(5);
    expect(body.usage.prompt_tokens).toBe(countTokens('first prompt') + countTokens('second'));
  });

  it('embeds strings as unit float vectors, or base64 float32', async () => {
    const res = await post(`${mock.url}/v1/embeddings`, { model: 'e', input: ['alpha', 'beta gamma'] });
    const body = (await res.json()) as Record<string, any>;
    expect(body.object).toBe('list');
    expect(body.data).toHaveLength(2);
    const vector = body.data[0].embedding as number[];
    expect(vector).toHaveLength(384);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 3);
    expect(body.usage).toEqual({ prompt_tokens: countTokens('alpha') + countTokens('beta gamma'), total_tokens: countTokens('alpha') + countTokens('beta gamma') });

    const b64 = (await (await post(`${mock.url}/v1/embeddings`, { input: 'alpha', encoding_format: 'base64', dimensions: 8 })).json()) as any;
    const bytes = Buffer.from(b64.data[0].embedding, 'base64');
    expect(bytes.length).toBe(8 * 4);
    const again = (await (await post(`${mock.url}/v1/embeddings`, { input: 'alpha', dimensions: 8 })).json()) as any;
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 8))).toEqual(again.data[0].embedding.map(Math.fround));
  });

  it('lists models', async () => {
    const body = (await (await fetch(`${mock.url}/v1/models`)).json()) as any;
    expect(body.object).toBe('list');
    expect(body.data[0]).toMatchObject({ id: 'mock-llm', object: 'model' });
  });
});

describe('Azure OpenAI', () => {
  const path = '/openai/deployments/my-gpt/chat/completions?api-version=2024-10-21';

  it('requires an api-key header', async () => {
    const res = await post(`${mock.url}${path}`, chat());
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe('invalid_api_key');
  });

  it('streams chat with the deployment as the model, and serves embeddings', async () => {
    const res = await post(`${mock.url}${path}`, { messages: [{ role: 'user', content: 'hi' }], stream: true, max_tokens: 2 }, { 'api-key': 'k' });
    const chunks = parseSse(await res.text()).slice(0, -1).map(json);
    expect(chunks.every((c) => c.model === 'my-gpt')).toBe(true);
    expect(chunks).toHaveLength(4);
    const embed = await post(`${mock.url}/openai/deployments/emb/embeddings?api-version=2024-10-21`, { input: 'x' }, { 'api-key': 'k' });
    expect(((await embed.json()) as any).data[0].embedding).toHaveLength(384);
  });
});

describe('Anthropic Messages', () => {
  const body = { model: 'claude-test', max_tokens: 5, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello there' }] };
  const headers = { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };

  it('streams the full event sequence with usage', async () => {
    const res = await post(`${mock.url}/v1/messages`, { ...body, stream: true }, headers);
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...new Array(5).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const event of events) expect(json(event).type).toBe(event.event);
    const start = json(events[0]!).message;
    expect(start).toMatchObject({ id: res.headers.get('x-mock-request-id'), role: 'assistant', model: 'claude-test', usage: { input_tokens: countTokens('Be brief.\nHello there') } });
    const deltas = events.slice(3, 8).map((e) => json(e).delta);
    expect(deltas.every((d) => d.type === 'text_delta')).toBe(true);
    expect(countTokens(deltas.map((d) => d.text).join(''))).toBe(5);
    expect(json(events[9]!)).toMatchObject({ delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 5 } });
  });

  it('answers without streaming, and needs x-api-key', async () => {
    const res = await post(`${mock.url}/v1/messages`, body, headers);
    const message = (await res.json()) as any;
    expect(message).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'max_tokens', usage: { output_tokens: 5 } });
    expect(countTokens(message.content[0].text)).toBe(5);

    const denied = await post(`${mock.url}/v1/messages`, body);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('streams a thinking block before the text when there is reasoning', async () => {
    const server = await startMockServer({ ttftMs: 1, itlMs: 0, reasoningTokens: 2 });
    try {
      const events = parseSse(await (await post(`${server.url}/v1/messages`, { ...body, stream: true }, headers)).text());
      const blocks = events.filter((e) => e.event === 'content_block_start').map((e) => json(e));
      expect(blocks.map((b) => [b.index, b.content_block.type])).toEqual([
        [0, 'thinking'],
        [1, 'text'],
      ]);
      const deltas = events.filter((e) => e.event === 'content_block_delta').map((e) => json(e).delta.type);
      expect(deltas).toEqual(['thinking_delta', 'thinking_delta', 'signature_delta', 'text_delta', 'text_delta', 'text_delta']);
    } finally {
      await server.close();
    }
  });
});

describe('Cohere v2', () => {
  const body = { model: 'command-test', max_tokens: 4, messages: [{ role: 'user', content: 'Hi Cohere' }] };

  it('streams chat with its event types and usage', async () => {
    const res = await post(`${mock.url}/v2/chat`, { ...body, stream: true });
    const events = parseSse(await res.text());
    expect(events.at(-1)!.data).toBe('[DONE]');
    const named = events.slice(0, -1);
    expect(named.map((e) => e.event)).toEqual(['message-start', 'content-start', 'content-delta', 'content-delta', 'content-delta', 'content-delta', 'content-end', 'message-end']);
    for (const event of named) expect(json(event).type).toBe(event.event);
    expect(json(named[0]!).id).toBe(res.headers.get('x-mock-request-id'));
    const text = named.slice(2, 6).map((e) => json(e).delta.message.content.text).join('');
    expect(countTokens(text)).toBe(4);
    const end = json(named[7]!).delta;
    expect(end.finish_reason).toBe('MAX_TOKENS');
    const usage = { input_tokens: countTokens('Hi Cohere'), output_tokens: 4 };
    expect(end.usage).toEqual({ billed_units: usage, tokens: usage });
  });

  it('answers chat without streaming', async () => {
    const reply = (await (await post(`${mock.url}/v2/chat`, body)).json()) as any;
    expect(reply).toMatchObject({ finish_reason: 'MAX_TOKENS', message: { role: 'assistant' }, usage: { tokens: { output_tokens: 4 } } });
    expect(countTokens(reply.message.content[0].text)).toBe(4);
  });

  it('reranks documents best first and embeds texts', async () => {
    const rerank = (await (await post(`${mock.url}/v2/rerank`, { model: 'r', query: 'q', documents: ['a', 'b', 'c'], top_n: 2 })).json()) as any;
    expect(rerank.results).toHaveLength(2);
    expect(rerank.results[0].relevance_score).toBeGreaterThanOrEqual(rerank.results[1].relevance_score);
    expect(rerank.meta.billed_units.search_units).toBe(1);

    const embed = (await (await post(`${mock.url}/v2/embed`, { model: 'e', texts: ['a', 'b'], input_type: 'search_document', embedding_types: ['float'] })).json()) as any;
    expect(embed.embeddings.float).toHaveLength(2);
    expect(embed.embeddings.float[0]).toHaveLength(384);
    expect(embed.meta.billed_units.input_tokens).toBe(2);
  });
});

describe('errors', () => {
  it('returns the x-mock-error status with an OpenAI error body', async () => {
    const res = await post(`${mock.url}/v1/chat/completions`, chat({ stream: true }), { 'x-mock-error': '429' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    const body = (await res.json()) as any;
    expect(body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded', message: expect.any(String) });
    const record = mock.groundTruth().find((r) => r.id === res.headers.get('x-mock-request-id'))!;
    expect(record).toMatchObject({ status: 429, outputTokens: 0 });
    expect(record.error).toContain('429');
  });

  it('answers 404 for unknown paths, 405 for wrong methods, 400 for bad JSON or headers', async () => {
    const missing = await post(`${mock.url}/v1/nothing`, {});
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error.message).toContain('/v1/nothing');
    expect((await fetch(`${mock.url}/v1/chat/completions`)).status).toBe(405);

    const badJson = await post(`${mock.url}/v1/chat/completions`, '{"messages": [');
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as any).error.type).toBe('invalid_request_error');

    const badHeader = await post(`${mock.url}/v1/chat/completions`, chat(), { 'x-mock-ttft-ms': 'soon' });
    expect(badHeader.status).toBe(400);
    expect(((await badHeader.json()) as any).error.message).toContain('x-mock-ttft-ms');

    const noMessages = await post(`${mock.url}/v1/chat/completions`, { model: 'm' });
    expect(noMessages.status).toBe(400);
  });

  it('sends one chunk then an error event inside a 200 stream', async () => {
    const res = await post(`${mock.url}/v1/chat/completions`, chat({ stream: true, max_tokens: 10 }), { 'x-mock-stream-error': '1' });
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(events).toHaveLength(3);
    expect(countTokens(json(events[1]!).choices[0].delta.content)).toBe(1);
    expect(json(events[2]!).error).toMatchObject({ message: expect.any(String), type: 'server_error' });
    const record = mock.groundTruth().find((r) => r.id === res.headers.get('x-mock-request-id'))!;
    expect(record).toMatchObject({ status: 200, outputTokens: 1, chunks: 1 });
    expect(record.error).toContain('stream error');
  });

  it('cuts the stream after x-mock-break-after tokens', async () => {
    const res = await post(`${mock.url}/v1/chat/completions`, chat({ stream: true, max_tokens: 10 }), { 'x-mock-break-after': '3' });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const failure = await (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return undefined;
          received += decoder.decode(value, { stream: true });
        }
      } catch (err) {
        return err;
      }
    })();
    expect(failure).toBeInstanceOf(Error);
    const tokens = parseSse(received).slice(1).map(json);
    expect(tokens.map((c) => countTokens(c.choices[0].delta.content))).toEqual([1, 1, 1]);
    expect(received).not.toContain('[DONE]');
    const id = res.headers.get('x-mock-request-id');
    await eventually(() => mock.groundTruth().find((r) => r.id === id)?.error !== undefined);
    expect(mock.groundTruth().find((r) => r.id === id)).toMatchObject({ outputTokens: 3, error: expect.stringContaining('cut') });
  });

  it('stalls once after the first token with x-mock-stall-ms', async () => {
    const res = await post(`${mock.url}/v1/chat/completions`, chat({ stream: true, max_tokens: 3 }), { 'x-mock-stall-ms': '50', 'x-mock-itl-ms': '0' });
    await res.text();
    const record = mock.groundTruth().find((r) => r.id === res.headers.get('x-mock-request-id'))!;
    // The stall shifts the rest of the schedule: ttft (5) + stall (50) + 2 * itl (0).
    expect(record.lastTokenAt! - record.receivedAt).toBeGreaterThanOrEqual(55);
    expect(record.outputTokens).toBe(3);
  });
});

describe('ground truth', () => {
  it('records when the first and last tokens were written, never before ttft', async () => {
    mock.clearGroundTruth();
    const ttftMs = 30;
    const itlMs = 2;
    const res = await post(`${mock.url}/v1/chat/completions`, chat({ stream: true, max_tokens: 5 }), { 'x-mock-ttft-ms': String(ttftMs), 'x-mock-itl-ms': String(itlMs) });
    await res.text();
    const records = mock.groundTruth();
    expect(records).toHaveLength(1);
    const record = records[0]!;
    expect(record).toMatchObject({ id: res.headers.get('x-mock-request-id'), path: '/v1/chat/completions', status: 200, outputTokens: 5, chunks: 5, inputTokens: countTokens('Say hello to the world.') });
    expect(record.error).toBeUndefined();
    expect(record.firstTokenAt! - record.receivedAt).toBeGreaterThanOrEqual(ttftMs);
    expect(record.firstContentAt).toBe(record.firstTokenAt);
    expect(record.lastTokenAt! - record.receivedAt).toBeGreaterThanOrEqual(ttftMs + 4 * itlMs);
    expect(Math.abs(record.receivedAt - Date.now())).toBeLessThan(60_000);
  });

  it('is served at GET /mock/ground-truth and cleared by DELETE', async () => {
    await (await post(`${mock.url}/v1/chat/completions`, chat({ max_tokens: 1 }))).json();
    const listed = (await (await fetch(`${mock.url}/mock/ground-truth`)).json()) as any[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.at(-1)).toMatchObject({ path: '/v1/chat/completions', outputTokens: 1 });
    expect((await fetch(`${mock.url}/mock/ground-truth`, { method: 'DELETE' })).status).toBe(200);
    expect(mock.groundTruth()).toEqual([]);
  });
});

describe('disconnects', () => {
  it('stops the stream when the client goes away', async () => {
    const controller = new AbortController();
    const res = await post(`${mock.url}/v1/chat/completions`, chat({ stream: true, max_tokens: 1000 }), { 'x-mock-itl-ms': '20' }, controller.signal);
    const id = res.headers.get('x-mock-request-id');
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await eventually(() => mock.groundTruth().find((r) => r.id === id)?.error === 'client disconnected');
    const stopped = mock.groundTruth().find((r) => r.id === id)!.outputTokens;
    expect(stopped).toBeLessThan(1000);
    // No timer keeps writing after the disconnect.
    await new Promise((r) => setTimeout(r, 100));
    expect(mock.groundTruth().find((r) => r.id === id)!.outputTokens).toBe(stopped);
  });

  it('close() ends streams in flight', async () => {
    const server = await startMockServer({ ttftMs: 0, itlMs: 50 });
    const res = await post(`${server.url}/v1/chat/completions`, chat({ stream: true, max_tokens: 1000 }));
    const reader = res.body!.getReader();
    await reader.read();
    await server.close();
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return;
      })(),
    ).rejects.toThrow();
    expect(server.groundTruth()[0]!.error).toBe('server closed');
  });
});
