/**
 * Tool calls and JSON replies against the mock server, for every chat dialect:
 * a stream that only calls a tool is timed like text (TTFT, ITL, TPOT, output
 * tokens), the calls come back parsed, and answering them goes on to a text reply.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLMUser, type ChatMessage, type LlmClient, type LlmProvider } from '../../src/api/llm.js';
import { createLlmClient } from '../../src/clients/llm/client.js';
import { SocketPool } from '../../src/clients/wire/socket-pool.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { MetricsAggregate } from '../../src/metrics/aggregate.js';
import { buildLlmSummary } from '../../src/metrics/llm-summary.js';
import { seededRandom } from '../../src/util/random.js';
import { clientContext } from '../helpers/client-context.js';

const TTFT_MS = 30;
const ITL_MS = 2;
const ARG_TOKENS = 12;

let mock: MockServer;
let chunky: MockServer;
/** Serves recorded-style streams of real providers, one per path. */
let recorded: Server;
let recordedUrl: string;
const agent = new Agent({ keepAliveTimeout: 10_000 });
const sockets = new SocketPool();

beforeAll(async () => {
  mock = await startMockServer({ port: 0, ttftMs: TTFT_MS, itlMs: ITL_MS });
  chunky = await startMockServer({ port: 0, ttftMs: TTFT_MS, itlMs: ITL_MS, tokensPerChunk: 3, reasoningTokens: 4 });
  process.env.VOLLEY_TOOLS_KEY = 'sk-tools-test';
  recorded = createServer((req, res) => {
    req.resume();
    const body = STREAMS[req.url ?? ''];
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(body);
  });
  await new Promise<void>((r) => recorded.listen(0, '127.0.0.1', r));
  recordedUrl = `http://127.0.0.1:${(recorded.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await mock.close();
  await chunky.close();
  await new Promise((r) => recorded.close(r));
  await agent.close();
  sockets.close();
  delete process.env.VOLLEY_TOOLS_KEY;
});

class ToolUser extends LLMUser {
  model = 'mock-model';
  traffic = 'D(50,20)';
  apiKeyEnv = 'VOLLEY_TOOLS_KEY';
}

const sse = (events: Array<[string | undefined, unknown]>) => events.map(([e, d]) => `${e ? `event: ${e}\n` : ''}data: ${typeof d === 'string' ? d : JSON.stringify(d)}\n\n`).join('');
const oaChunk = (delta: unknown, finish: string | null = null) => ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: finish }] });
/** OpenAI's documented shape of two parallel calls; Anthropic's of text, then a tool_use block. */
const STREAMS: Record<string, string> = {
  '/v1/chat/completions': sse([
    [undefined, oaChunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] })],
    [undefined, oaChunk({ tool_calls: [{ index: 0, function: { arguments: '{"lo' } }] })],
    [undefined, oaChunk({ tool_calls: [{ index: 0, function: { arguments: 'cation": "Paris"}' } }] })],
    [undefined, oaChunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '' } }] })],
    [undefined, oaChunk({ tool_calls: [{ index: 1, function: { arguments: '{}' } }] })],
    [undefined, oaChunk({}, 'tool_calls')],
    [undefined, { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [], usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16 } }],
    [undefined, '[DONE]'],
  ]),
  '/v1/messages': sse([
    ['message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 9, output_tokens: 1 } } }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me check.' } }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} } }],
    ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } }],
    ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"location": "Par' } }],
    ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: 'is"}' } }],
    ['content_block_stop', { type: 'content_block_stop', index: 1 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 10 } }],
    ['message_stop', { type: 'message_stop' }],
  ]),
};

function setup(provider: LlmProvider, server: { url: string } = mock): { llm: LlmClient; recorder: MetricsRecorder } {
  const user = Object.assign(new ToolUser(), { provider });
  const ctx = clientContext({ dispatcher: agent, sockets, baseUrl: server.url, random: seededRandom(3) });
  return { llm: createLlmClient(user, ctx), recorder: ctx.recorder };
}

const WEATHER = { type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { query: { type: 'string' } } } } };
const SEARCH = { type: 'function', function: { name: 'search', parameters: { type: 'object', properties: { query: { type: 'string' } } } } };
const ASK: ChatMessage[] = [{ role: 'user', content: 'What is the weather in Paris?' }];

function truthTtft(server: MockServer): number {
  const [g] = server.groundTruth();
  return g!.firstTokenAt! - g!.receivedAt;
}

describe.each(['openai', 'anthropic', 'cohere'] as const)('tool calls (%s)', (provider) => {
  it('times a stream that only calls a tool like text: TTFT, ITL per argument token, TPOT, exact output tokens', async () => {
    const { llm, recorder } = setup(provider);
    mock.clearGroundTruth();
    const r = await llm.chat({ messages: ASK, tools: [WEATHER], toolChoice: 'required', outputTokens: ARG_TOKENS });
    expect(r.error).toBeUndefined();
    expect(r.text).toBe('');
    expect(r.toolCalls).toHaveLength(1);
    const [call] = r.toolCalls;
    expect(call!.name).toBe('get_weather');
    expect(call!.id).toMatch(/^call_/);
    expect(call!.input).toEqual({ query: expect.any(String) });
    expect(JSON.parse(call!.arguments)).toEqual(call!.input);
    // The mock's ground truth: ARG_TOKENS tokens, one per chunk, the first after TTFT_MS.
    const [truth] = mock.groundTruth();
    expect(truth!.outputTokens).toBe(ARG_TOKENS);
    expect(truth!.chunks).toBe(ARG_TOKENS);
    expect(r.outputTokens).toBe(ARG_TOKENS);
    expect(r.ttftMs).toBeDefined();
    expect(r.ttftMs!).toBeGreaterThanOrEqual(TTFT_MS);
    expect(r.ttftMs!).toBeGreaterThanOrEqual(truthTtft(mock) - 0.01);
    expect(r.ttfctMs).toBe(r.ttftMs);
    expect(r.itlMs).toHaveLength(ARG_TOKENS - 1);
    for (const gap of r.itlMs) expect(gap).toBeGreaterThanOrEqual(0);
    expect(r.tpotMs).toBeCloseTo((r.e2eMs - r.ttftMs!) / (ARG_TOKENS - 1), 6);
    expect(r.finishReason).toBe(provider === 'openai' ? 'tool_calls' : provider === 'anthropic' ? 'tool_use' : 'TOOL_CALL');

    const d = recorder.takeDelta();
    expect(d.counters).toMatchObject({ 'llm.requests': 1, 'llm.output_tokens': ARG_TOKENS });
    // The local count of the arguments agrees with the server's.
    expect(d.counters['llm.token_mismatch']).toBeUndefined();
    const agg = new MetricsAggregate();
    agg.addDelta(d);
    const s = buildLlmSummary(agg, 1, false)!;
    expect(s.ttftMs.count).toBe(1);
    expect(s.itlMs.count).toBe(ARG_TOKENS - 1);
    expect(s.tpotMs.count).toBe(1);
  });

  it('answers the call and goes on: the tool result gets a text reply', async () => {
    const { llm } = setup(provider);
    const first = await llm.chat({ messages: ASK, tools: [WEATHER, SEARCH], outputTokens: ARG_TOKENS });
    expect(first.toolCalls.map((c) => c.name)).toEqual(['get_weather']);
    const last = first.messages[first.messages.length - 1]!;
    expect(last).toMatchObject({ role: 'assistant', content: null, tool_calls: [{ id: first.toolCalls[0]!.id, type: 'function', function: { name: 'get_weather' } }] });
    const answered: ChatMessage[] = [...first.messages, { role: 'tool', tool_call_id: first.toolCalls[0]!.id, content: '{"temp":21}' }];
    const second = await llm.chat({ messages: answered, tools: [WEATHER, SEARCH], outputTokens: 8 });
    expect(second.error).toBeUndefined();
    expect(second.toolCalls).toEqual([]);
    expect(second.outputTokens).toBe(8);
    expect(second.text.length).toBeGreaterThan(0);
  });

  it('calls the tool the choice names, and none with toolChoice none', async () => {
    const { llm } = setup(provider);
    const named = await llm.chat({ messages: ASK, tools: [WEATHER, SEARCH], toolChoice: { type: 'function', function: { name: 'search' } }, outputTokens: ARG_TOKENS });
    // Cohere has no named choice: REQUIRED calls the first tool offered.
    expect(named.toolCalls.map((c) => c.name)).toEqual([provider === 'cohere' ? 'get_weather' : 'search']);
    const none = await llm.chat({ messages: ASK, tools: [WEATHER], toolChoice: 'none', outputTokens: ARG_TOKENS });
    expect(none.toolCalls).toEqual([]);
    expect(none.text.length).toBeGreaterThan(0);
  });

  it('reads tool calls from non-streamed answers', async () => {
    const { llm, recorder } = setup(provider);
    const r = await llm.chat({ messages: ASK, tools: [WEATHER], toolChoice: 'required', outputTokens: ARG_TOKENS, stream: false });
    expect(r.error).toBeUndefined();
    expect(r.toolCalls).toHaveLength(1);
    expect(r.toolCalls[0]!.name).toBe('get_weather');
    expect(r.toolCalls[0]!.input).toEqual({ query: expect.any(String) });
    expect(r.outputTokens).toBe(ARG_TOKENS);
    expect(recorder.takeDelta().counters['llm.token_mismatch']).toBeUndefined();
  });

  it('spreads a chunk of several argument tokens over its tokens, after reasoning', async () => {
    const { llm } = setup(provider, chunky);
    chunky.clearGroundTruth();
    const r = await llm.chat({ messages: ASK, tools: [WEATHER], toolChoice: 'required', outputTokens: 16 });
    expect(r.error).toBeUndefined();
    expect(r.toolCalls).toHaveLength(1);
    expect(r.outputTokens).toBe(16);
    expect(r.reasoningTokens).toBe(4);
    const [truth] = chunky.groundTruth();
    // 4 reasoning tokens in chunks of 3, 3 + 1, then 12 argument tokens in 4 chunks of 3: one ITL value per chunk after the first.
    expect(truth!.chunks).toBe(6);
    expect(r.itlMs).toHaveLength(5);
    expect(r.ttfctMs!).toBeGreaterThan(r.ttftMs!);
  });
});

describe('tool calls as real providers stream them', () => {
  it('OpenAI parallel calls: two calls told apart by index, one ITL step per argument piece', async () => {
    const { llm } = setup('openai', { url: recordedUrl });
    const r = await llm.chat({ messages: ASK, tools: [WEATHER] });
    expect(r.error).toBeUndefined();
    expect(r.toolCalls).toEqual([
      { id: 'call_a', name: 'get_weather', arguments: '{"location": "Paris"}', input: { location: 'Paris' } },
      { id: 'call_b', name: 'get_time', arguments: '{}', input: {} },
    ]);
    expect(r.finishReason).toBe('tool_calls');
    expect(r.outputTokens).toBe(7);
    expect(r.ttftMs).toBeDefined();
    // Three events carry argument text: two gaps.
    expect(r.itlMs).toHaveLength(2);
  });

  it('Anthropic text then tool_use: both kept, the empty first input_json_delta is no token', async () => {
    const { llm } = setup('anthropic', { url: recordedUrl });
    const r = await llm.chat({ messages: ASK, tools: [WEATHER] });
    expect(r.error).toBeUndefined();
    expect(r.text).toBe('Let me check.');
    expect(r.toolCalls).toEqual([{ id: 'toolu_1', name: 'get_weather', arguments: '{"location": "Paris"}', input: { location: 'Paris' } }]);
    expect(r.messages[r.messages.length - 1]).toMatchObject({ role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'toolu_1' }] });
    expect(r.outputTokens).toBe(10);
    expect(r.itlMs).toHaveLength(2);
  });
});

describe('structured output', () => {
  it('counts a reply asked to be JSON that does not parse as invalid_json, with its timings kept', async () => {
    const { llm, recorder } = setup('openai');
    const ok = await llm.chat({ messages: ASK, response_format: { type: 'json_object' }, outputTokens: 10 });
    expect(ok.error).toBeUndefined();
    expect(JSON.parse(ok.text)).toEqual({ query: expect.any(String) });
    const broken = await llm.chat({ messages: ASK, response_format: { type: 'json_object' }, outputTokens: 10, headers: { 'x-mock-broken-json': '1' } });
    expect(broken.errorKind).toBe('invalid_json');
    expect(broken.ttftMs).toBeDefined();
    expect(broken.outputTokens).toBe(10);
    // Not asked: the same broken text is no error.
    const unchecked = await llm.chat({ messages: ASK, response_format: { type: 'json_object' }, expectJson: false, outputTokens: 10, headers: { 'x-mock-broken-json': '1' } });
    expect(unchecked.error).toBeUndefined();
    // Asked without response_format: plain text fails.
    const text = await llm.chat({ messages: ASK, expectJson: true, outputTokens: 10 });
    expect(text.errorKind).toBe('invalid_json');

    const agg = new MetricsAggregate();
    agg.addDelta(recorder.takeDelta());
    const s = buildLlmSummary(agg, 1, false)!;
    expect(s).toMatchObject({ requests: 4, failures: 2, outputTokens: 40, errorsByKind: { invalid_json: 2 } });
    expect(s.ttftMs.count).toBe(4);
  });

  it('sends response_format as given and checks Cohere replies too', async () => {
    const { llm } = setup('cohere');
    const schema = { type: 'json_object', json_schema: { type: 'object', properties: { query: { type: 'string' } } } };
    const r = await llm.chat({ messages: ASK, response_format: schema, outputTokens: 9 });
    expect(r.error).toBeUndefined();
    expect(JSON.parse(r.text)).toEqual({ query: expect.any(String) });
  });
});
