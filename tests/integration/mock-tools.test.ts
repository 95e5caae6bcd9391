/**
 * The mock's tool calls, JSON replies and Responses API on the wire, read raw
 * (no Volley client), against its ground truth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { getTokenizer } from '../../src/workload/tokenizer.js';

const TTFT_MS = 25;
const tok = getTokenizer('cl100k_base');
let mock: MockServer;

beforeAll(async () => {
  mock = await startMockServer({ port: 0, ttftMs: TTFT_MS, itlMs: 1 });
});
afterAll(() => mock.close());

interface SseEvent {
  event?: string;
  data: any;
}

async function stream(path: string, body: unknown, headers: Record<string, string> = {}): Promise<SseEvent[]> {
  const res = await fetch(`${mock.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k', ...headers }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((b) => b.trim() !== '')
    .map((block) => {
      const ev: SseEvent = { data: undefined };
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) ev.event = line.slice(7);
        else if (line.startsWith('data: ')) ev.data = line.slice(6) === '[DONE]' ? '[DONE]' : JSON.parse(line.slice(6));
      }
      return ev;
    });
}

const TOOLS = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
const messages = [{ role: 'user', content: 'find it' }];

describe('mock tool calls on the wire', () => {
  it('OpenAI: the role chunk carries no call; the call opens with its first argument token; N argument tokens in N chunks', async () => {
    mock.clearGroundTruth();
    const events = await stream('/v1/chat/completions', { model: 'm', messages, tools: TOOLS, tool_choice: 'required', max_tokens: 9, stream: true, stream_options: { include_usage: true } });
    const deltas = events.filter((e) => e.data !== '[DONE]' && e.data.choices?.length).map((e) => e.data.choices[0].delta);
    expect(deltas[0]).toEqual({ role: 'assistant', content: '' });
    const pieces = deltas.filter((d) => d.tool_calls);
    expect(pieces).toHaveLength(9);
    expect(pieces[0].tool_calls[0]).toMatchObject({ index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'lookup' } });
    const args = pieces.map((d) => d.tool_calls[0].function.arguments).join('');
    expect(tok.count(args)).toBe(9);
    expect(JSON.parse(args)).toEqual({ query: expect.any(String) });
    for (const p of pieces) expect(p.tool_calls[0].function.arguments.length).toBeGreaterThan(0);
    const finish = events.find((e) => e.data !== '[DONE]' && e.data.choices?.[0]?.finish_reason);
    expect(finish!.data.choices[0].finish_reason).toBe('tool_calls');
    expect(events.find((e) => e.data?.usage)!.data.usage.completion_tokens).toBe(9);
    const [g] = mock.groundTruth();
    expect(g!.chunks).toBe(9);
    expect(g!.firstTokenAt! - g!.receivedAt).toBeGreaterThanOrEqual(TTFT_MS);
  });

  it('answers a tool result with text, and tool_choice none with text', async () => {
    const answered = [...messages, { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'call_1', content: 'ok' }];
    for (const body of [{ messages: answered, tools: TOOLS }, { messages, tools: TOOLS, tool_choice: 'none' }]) {
      const res = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', max_tokens: 6, ...body }) });
      const j = (await res.json()) as any;
      expect(j.choices[0].message.tool_calls).toBeUndefined();
      expect(tok.count(j.choices[0].message.content)).toBe(6);
    }
  });

  it('Anthropic: the tool_use block opens after message_start, with input_json_delta pieces and stop_reason tool_use', async () => {
    const events = await stream('/v1/messages', { model: 'm', messages, tools: [{ name: 'lookup', input_schema: { type: 'object' } }], tool_choice: { type: 'any' }, max_tokens: 7, stream: true });
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('message_start');
    const start = events.find((e) => e.event === 'content_block_start')!;
    expect(start.data.content_block).toMatchObject({ type: 'tool_use', name: 'lookup', input: {} });
    const pieces = events.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta);
    expect(pieces.every((d) => d.type === 'input_json_delta')).toBe(true);
    expect(tok.count(pieces.map((d) => d.partial_json).join(''))).toBe(7);
    expect(events.find((e) => e.event === 'message_delta')!.data.delta.stop_reason).toBe('tool_use');
  });

  it('JSON replies for response_format, broken on request', async () => {
    const ask = (headers: Record<string, string> = {}) =>
      fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model: 'm', messages, max_tokens: 8, response_format: { type: 'json_object' } }) }).then((r) => r.json() as Promise<any>);
    const ok = (await ask()).choices[0].message.content;
    expect(JSON.parse(ok)).toEqual({ query: expect.any(String) });
    expect(tok.count(ok)).toBe(8);
    const broken = (await ask({ 'x-mock-broken-json': '1' })).choices[0].message.content;
    expect(tok.count(broken)).toBe(8);
    expect(() => JSON.parse(broken)).toThrow();
  });
});

describe('mock Responses API on the wire', () => {
  it('streams typed events: created, output_text deltas (one per token), incomplete with usage at max_output_tokens', async () => {
    const events = await stream('/v1/responses', { model: 'm', input: 'hello there', max_output_tokens: 5, stream: true });
    for (const e of events) expect(e.data.type).toBe(e.event);
    expect(events[0]!.event).toBe('response.created');
    const deltas = events.filter((e) => e.event === 'response.output_text.delta');
    expect(deltas).toHaveLength(5);
    expect(tok.count(deltas.map((e) => e.data.delta).join(''))).toBe(5);
    const last = events[events.length - 1]!;
    expect(last.event).toBe('response.incomplete');
    expect(last.data.response.usage).toMatchObject({ input_tokens: tok.count('hello there'), output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 } });
  });

  it('answers a whole response, and a function call for a named tool', async () => {
    const res = await fetch(`${mock.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', input: [{ role: 'user', content: 'go' }], tools: [{ type: 'function', name: 'a' }, { type: 'function', name: 'b' }], tool_choice: { type: 'function', name: 'b' }, max_output_tokens: 6 }),
    });
    const j = (await res.json()) as any;
    expect(j.object).toBe('response');
    expect(j.status).toBe('completed');
    expect(j.output).toEqual([{ type: 'function_call', id: expect.any(String), call_id: expect.stringMatching(/^call_/), name: 'b', arguments: expect.any(String), status: 'completed' }]);
    expect(tok.count(j.output[0].arguments)).toBe(6);
    expect(j.usage.output_tokens).toBe(6);
  });

  it('rejects a body without input', async () => {
    const res = await fetch(`${mock.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toMatch(/input/);
  });
});
