import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LLMUser, LlmRequestError, type LlmClient } from '../../src/api/llm.js';
import { attachLlmClient, createLlmClient, isLlmUser } from '../../src/clients/llm/client.js';
import type { ClientContext } from '../../src/clients/context.js';
import { ErrorBackoff } from '../../src/clients/backoff.js';
import { SocketPool } from '../../src/clients/wire/socket-pool.js';
import { HttpUser } from '../../src/api/user.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { MetricsAggregate } from '../../src/metrics/aggregate.js';
import { buildLlmSummary } from '../../src/metrics/llm-summary.js';
import { getTokenizer } from '../../src/workload/tokenizer.js';
import { seededRandom } from '../../src/util/random.js';

const TTFT_MS = 40;
const ITL_MS = 2;
const KEY = 'sk-test-0123456789abcdef';
const tok = getTokenizer('cl100k_base');

let mock: MockServer;
let reasoningMock: MockServer;
const agent = new Agent({ keepAliveTimeout: 10_000 });
const sockets = new SocketPool();
/** Every test runs over both transports: the worker's socket pool (the default for http://) and undici. */
const TRANSPORTS = ['socket', 'undici'] as const;
let transport: (typeof TRANSPORTS)[number] = 'socket';

beforeAll(async () => {
  mock = await startMockServer({ port: 0, ttftMs: TTFT_MS, itlMs: ITL_MS });
  reasoningMock = await startMockServer({ port: 0, ttftMs: TTFT_MS, itlMs: ITL_MS, reasoningTokens: 5 });
  process.env.VOLLEY_TEST_KEY = KEY;
});

afterAll(async () => {
  await mock.close();
  await reasoningMock.close();
  await agent.close();
  sockets.close();
  delete process.env.VOLLEY_TEST_KEY;
});

class TestUser extends LLMUser {
  model = 'llama-3-8b';
  traffic = 'D(100,20)';
  apiKeyEnv = 'VOLLEY_TEST_KEY';
}

interface Setup {
  llm: LlmClient;
  recorder: MetricsRecorder;
  stop: AbortController;
}

function setup(fields: Partial<LLMUser> = {}, opts: { baseUrl?: string; options?: Record<string, unknown>; timeoutMs?: number; backoff?: ErrorBackoff } = {}): Setup {
  const user = Object.assign(new TestUser(), fields);
  const recorder = new MetricsRecorder();
  const stop = new AbortController();
  const ctx: ClientContext = {
    recorder,
    dispatcher: agent,
    sockets: transport === 'socket' ? sockets : undefined,
    baseUrl: opts.baseUrl ?? mock.url,
    requestTimeoutMs: opts.timeoutMs ?? 10_000,
    random: seededRandom(1),
    hardStop: stop.signal,
    options: opts.options ?? {},
    backoff: opts.backoff,
  };
  return { llm: createLlmClient(user, ctx), recorder, stop };
}

describe.each(TRANSPORTS)('LLM client against the mock server (%s)', (t) => {
  beforeEach(() => {
    transport = t;
  });

  it('recognises LLM users and attaches the client where this.llm reads it', () => {
    const user = new TestUser();
    expect(isLlmUser(user)).toBe(true);
    expect(isLlmUser(new (class extends HttpUser {})())).toBe(false);
    expect(() => user.llm).toThrow(/onStart/);
    attachLlmClient(user, { recorder: new MetricsRecorder(), dispatcher: agent, baseUrl: mock.url, requestTimeoutMs: 1000, random: Math.random, hardStop: new AbortController().signal, options: {} });
    expect(typeof user.llm.chat).toBe('function');
  });

  it('streams a chat: TTFT ignores the role-only chunk, exact prompt, server usage equals tiktoken', async () => {
    const { llm, recorder } = setup();
    mock.clearGroundTruth();
    const r = await llm.chat();
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(200);
    expect(r.ttftMs!).toBeGreaterThanOrEqual(TTFT_MS);
    expect(r.ttfctMs).toBe(r.ttftMs);
    expect(r.e2eMs).toBeGreaterThanOrEqual(TTFT_MS + ITL_MS * 19);
    expect(r.outputTokens).toBe(20);
    expect(r.usageSource).toBe('server');
    expect(tok.count(r.text)).toBe(r.outputTokens);
    expect(r.inputTokens).toBe(100);
    expect(r.itlMs).toHaveLength(19);
    expect(r.tpotMs).toBeCloseTo((r.e2eMs - r.ttftMs!) / 19, 6);
    expect(r.finishReason).toBe('length');
    const [truth] = mock.groundTruth();
    expect(truth!.inputTokens).toBe(100);
    expect(truth!.outputTokens).toBe(20);
    const d = recorder.takeDelta();
    expect(d.counters).toMatchObject({ 'llm.requests': 1, 'llm.input_tokens': 100, 'llm.output_tokens': 20 });
    expect(d.counters['llm.token_mismatch']).toBeUndefined();
    expect(d.endpoints[0]).toMatchObject({ method: 'POST', name: '/v1/chat/completions', requests: 1, failures: 0 });
    expect(d.endpoints[0]!.bytes).toBeGreaterThan(0);
  });

  it('continues a conversation with the returned messages, and passes extra fields into the body', async () => {
    const { llm } = setup({ extraBody: { temperature: 0 } });
    const a = await llm.chat({ messages: [{ role: 'user', content: 'hi' }], top_p: 0.5 });
    expect(a.messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: a.text },
    ]);
    const b = await llm.chat({ messages: [...a.messages, { role: 'user', content: 'go on' }] });
    expect(b.error).toBeUndefined();
    expect(b.messages).toHaveLength(4);
  });

  it("keeps the traffic's output length for calls that bring their own messages or prompt, unless told otherwise", async () => {
    const { llm } = setup({ traffic: 'D(100,20)' });
    const given = await llm.chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(given.outputTokens).toBe(20);
    const completed = await llm.completions({ prompt: 'Once upon a time' });
    expect(completed.outputTokens).toBe(20);
    const told = await llm.chat({ messages: [{ role: 'user', content: 'hi' }], outputTokens: 7 });
    expect(told.outputTokens).toBe(7);
    // null: no output length sent, the server's default (the mock's 128 tokens).
    const serverDefault = await llm.chat({ messages: [{ role: 'user', content: 'hi' }], outputTokens: null });
    expect(serverDefault.outputTokens).toBe(128);
  });

  it('measures reasoning apart: TTFCT after TTFT, reasoning tokens from the server', async () => {
    const { llm } = setup({}, { baseUrl: reasoningMock.url });
    const r = await llm.chat({ outputTokens: 12 });
    expect(r.reasoning.length).toBeGreaterThan(0);
    expect(r.reasoningTokens).toBe(5);
    expect(r.outputTokens).toBe(12);
    // The server writes the first content token after the five reasoning ones.
    expect(r.ttftMs!).toBeGreaterThanOrEqual(TTFT_MS);
    expect(r.ttfctMs!).toBeGreaterThanOrEqual(TTFT_MS + 5 * ITL_MS);
    expect(r.ttfctMs!).toBeGreaterThanOrEqual(r.ttftMs!);
    expect(tok.count(r.text) + tok.count(r.reasoning)).toBe(12);
  });

  it('spreads each gap over the tokens of a multi-token chunk', async () => {
    const { llm } = setup();
    const r = await llm.chat({ outputTokens: 16, headers: { 'x-mock-tokens-per-chunk': '4', 'x-mock-itl-ms': '10' } });
    expect(r.error).toBeUndefined();
    // Four chunks of four tokens: three gaps, each divided by the four tokens of its chunk.
    expect(r.itlMs).toHaveLength(3);
    const spanMs = r.itlMs.reduce((a, b) => a + b, 0) * 4;
    expect(spanMs).toBeGreaterThan(0);
    expect(spanMs).toBeLessThanOrEqual(r.e2eMs - r.ttftMs!);
  });

  it('reads a non-streamed answer', async () => {
    const { llm } = setup({ stream: false });
    const r = await llm.chat();
    expect(r.error).toBeUndefined();
    expect(r.outputTokens).toBe(20);
    expect(r.ttftMs).toBeUndefined();
    expect(r.e2eMs).toBeGreaterThanOrEqual(TTFT_MS);
  });

  it('speaks Azure: deployment URL, api-key header', async () => {
    const { llm, recorder } = setup({ provider: 'azure', deployment: 'gpt4o' });
    const r = await llm.chat();
    expect(r.error).toBeUndefined();
    expect(r.outputTokens).toBe(20);
    expect(r.ttftMs!).toBeGreaterThanOrEqual(TTFT_MS);
    expect(recorder.takeDelta().endpoints[0]!.name).toBe('/openai/deployments/gpt4o/chat/completions');
  });

  it('speaks Anthropic Messages', async () => {
    const { llm, recorder } = setup({ provider: 'anthropic' });
    const r = await llm.chat({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hello there' }], outputTokens: 15 });
    expect(r.error).toBeUndefined();
    expect(r.outputTokens).toBe(15);
    expect(r.usageSource).toBe('server');
    expect(tok.count(r.text)).toBe(15);
    expect(r.ttftMs!).toBeGreaterThanOrEqual(TTFT_MS);
    expect(r.finishReason).toBe('max_tokens');
    expect(recorder.takeDelta().endpoints[0]!.name).toBe('/v1/messages');
  });

  it('speaks Anthropic with reasoning (thinking blocks)', async () => {
    const { llm } = setup({ provider: 'anthropic' }, { baseUrl: reasoningMock.url });
    const r = await llm.chat({ outputTokens: 10 });
    expect(r.error).toBeUndefined();
    expect(tok.count(r.reasoning)).toBe(5);
    expect(r.ttfctMs!).toBeGreaterThanOrEqual(TTFT_MS + 5 * ITL_MS);
  });

  it('speaks Cohere v2 chat, embed and rerank', async () => {
    const { llm, recorder } = setup({ provider: 'cohere' });
    const r = await llm.chat();
    expect(r.error).toBeUndefined();
    expect(r.outputTokens).toBe(20);
    expect(r.inputTokens).toBe(100);
    expect(r.ttftMs!).toBeGreaterThanOrEqual(TTFT_MS);
    const e = await llm.embeddings({ input: ['one text', 'another text'] });
    expect(e.error).toBeUndefined();
    expect(e.inputTokens).toBe(tok.count('one text') + tok.count('another text'));
    expect(e.usageSource).toBe('server');
    expect(e.json<{ embeddings: { float: number[][] } }>().embeddings.float).toHaveLength(2);
    const rr = await llm.rerank({ query: 'sea', documents: ['the sea is wide', 'a mountain', 'salt water'], topN: 2 });
    expect(rr.error).toBeUndefined();
    expect(rr.results).toHaveLength(2);
    const names = recorder.takeDelta().endpoints.map((x) => x.name).sort();
    expect(names).toEqual(['/v2/chat', '/v2/embed', '/v2/rerank']);
  });

  it('runs legacy completions and E(tokens) embeddings', async () => {
    const { llm } = setup({ traffic: 'E(64)' });
    const c = await llm.completions({ prompt: 'Once upon a time', outputTokens: 8 });
    expect(c.error).toBeUndefined();
    expect(c.outputTokens).toBe(8);
    expect(c.ttftMs!).toBeGreaterThanOrEqual(TTFT_MS);
    mock.clearGroundTruth();
    const e = await llm.embeddings();
    expect(e.error).toBeUndefined();
    expect(e.inputTokens).toBe(64);
    expect(mock.groundTruth()[0]!.inputTokens).toBe(64);
  });

  it('attaches generated images in content parts', async () => {
    const { llm } = setup({ traffic: 'I(64,48,2)' });
    const r = await llm.chat();
    expect(r.error).toBeUndefined();
    const content = r.messages[0]!.content as Array<{ type: string; image_url?: { url: string } }>;
    expect(content.map((p) => p.type)).toEqual(['text', 'image_url', 'image_url']);
    expect(content[1]!.image_url!.url).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    const r2 = await llm.chat({ messages: [{ role: 'user', content: 'what is this?' }], images: 1, imageSize: [32, 32] });
    expect((r2.messages[0]!.content as unknown[]).length).toBe(2);
  });

  it('follows --traffic and the sweep stage override, read at each call', async () => {
    const options: Record<string, unknown> = { traffic: ['D(10,3)', 'D(20,4)'] };
    const { llm } = setup({}, { options });
    expect((await llm.chat()).outputTokens).toBe(20); // a list is a sweep: the user's own traffic until a stage starts
    options.trafficOverride = 'D(20,4)';
    expect(await llm.chat()).toMatchObject({ inputTokens: 20, outputTokens: 4 });
    const single = setup({}, { options: { traffic: 'D(12,2)' } });
    expect(await single.llm.chat()).toMatchObject({ inputTokens: 12, outputTokens: 2 });
  });

  it('counts SLO-meeting requests as good', async () => {
    const { llm, recorder } = setup({}, { options: { slo: 'ttft<10s,e2e<20s' } });
    await llm.chat();
    const { llm: strict, recorder: strictRec } = setup({}, { options: { slo: 'ttft<1ms' } });
    await strict.chat();
    expect(recorder.takeDelta().counters['llm.good']).toBe(1);
    expect(strictRec.takeDelta().counters['llm.good']).toBeUndefined();
  });
});

describe.each(TRANSPORTS)('LLM client failures (%s)', (t) => {
  beforeEach(() => {
    transport = t;
  });

  async function kindOf(headers: Record<string, string>, setupOpts: Parameters<typeof setup>[1] = {}) {
    const { llm, recorder } = setup({}, setupOpts);
    const r = await llm.chat({ headers });
    const d = recorder.takeDelta();
    return { r, d };
  }

  it.each([
    ['429', 'http_429'],
    ['400', 'http_4xx'],
    ['401', 'auth'],
    ['403', 'auth'],
    ['503', 'http_5xx'],
  ])('x-mock-error %s is counted as %s', async (status, kind) => {
    const { r, d } = await kindOf({ 'x-mock-error': status });
    expect(r.errorKind).toBe(kind);
    expect(r.status).toBe(Number(status));
    expect(r.error).toMatch(new RegExp(`^HTTP ${status}: .*mock: injected error ${status}`));
    expect(d.counters).toMatchObject({ 'llm.requests': 1, 'llm.failures': 1, [`llm.errors.${kind}`]: 1 });
    expect(d.endpoints[0]).toMatchObject({ requests: 1, failures: 1 });
  });

  it('a failed request makes the next one wait (backoff); a success resets it', async () => {
    const backoff = new ErrorBackoff(seededRandom(3));
    const { llm } = setup({}, { backoff });
    expect((await llm.chat({ headers: { 'x-mock-error': '401' } })).errorKind).toBe('auth');
    expect(backoff.pendingMs()).toBeGreaterThan(0);
    expect((await llm.chat()).error).toBeUndefined();
    expect(backoff.waits).toBe(1);
    expect(backoff.pendingMs()).toBe(0);
    await llm.chat();
    expect(backoff.waits).toBe(1);
  });

  it('an error event inside a 200 stream is stream_error', async () => {
    const { r, d } = await kindOf({ 'x-mock-stream-error': '1' });
    expect(r.status).toBe(200);
    expect(r.errorKind).toBe('stream_error');
    expect(r.error).toContain('injected stream error');
    expect(d.counters['llm.errors.stream_error']).toBe(1);
  });

  it('a cut connection is stream_broken', async () => {
    const { r, d } = await kindOf({ 'x-mock-break-after': '5' });
    expect(r.errorKind).toBe('stream_broken');
    expect(r.text.length).toBeGreaterThan(0);
    expect(d.counters['llm.errors.stream_broken']).toBe(1);
  });

  it('a stall past the request timeout is timeout', async () => {
    const { r, d } = await kindOf({ 'x-mock-stall-ms': '2000' }, { timeoutMs: 300 });
    expect(r.errorKind).toBe('timeout');
    expect(r.e2eMs).toBeGreaterThanOrEqual(299);
    // The mock stalls 2 s after the first token: the timeout cut the stream there, so
    // nothing of the rest arrived (a count, where "e2e < 2 s" would be a clock ceiling).
    expect(r.outputTokens).toBe(1);
    expect(d.counters['llm.errors.timeout']).toBe(1);
  });

  it('the hard stop aborts: counted apart, not as a failure', async () => {
    const { llm, recorder, stop } = setup();
    const pending = llm.chat({ headers: { 'x-mock-itl-ms': '50' } });
    setTimeout(() => stop.abort(), TTFT_MS + 30);
    const r = await pending;
    expect(r.errorKind).toBe('aborted');
    const d = recorder.takeDelta();
    // No failure; a stream whose first token came before the stop keeps its TTFT and tokens so far (llm.cut_short).
    expect(d.counters['llm.errors.aborted']).toBe(1);
    expect(d.counters['llm.cut_short'] ?? 0).toBe(r.ttftMs === undefined ? 0 : 1);
    expect(d.counters['llm.failures']).toBeUndefined();
    expect(d.counters['llm.requests']).toBeUndefined();
    expect(d.endpoints[0]).toMatchObject({ requests: 0, failures: 0, aborted: 1 });
  });

  it('a refused connection is network', async () => {
    const s = createServer();
    await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((res) => s.close(() => res()));
    const { r, d } = await kindOf({}, { baseUrl: `http://127.0.0.1:${port}` });
    expect(r.errorKind).toBe('network');
    expect(r.status).toBe(0);
    expect(d.counters['llm.errors.network']).toBe(1);
  });

  it('throws only when asked', async () => {
    const { llm } = setup();
    await expect(llm.chat({ headers: { 'x-mock-error': '500' }, throwOnError: true })).rejects.toBeInstanceOf(LlmRequestError);
    await expect(llm.chat({ headers: { 'x-mock-error': '500' } })).resolves.toMatchObject({ errorKind: 'http_5xx' });
  });

  it('merges into an LLM summary', async () => {
    const { llm, recorder } = setup();
    await llm.chat();
    await llm.chat({ headers: { 'x-mock-error': '429' } });
    const agg = new MetricsAggregate();
    agg.addDelta(recorder.takeDelta());
    const s = buildLlmSummary(agg, 1, false)!;
    expect(s).toMatchObject({ requests: 2, failures: 1, outputTokens: 20, errorsByKind: { http_429: 1 } });
    expect(s.ttftMs.min).toBeGreaterThanOrEqual(TTFT_MS);
  });
});

describe.each(TRANSPORTS)('LLM client against a misbehaving server (%s)', (t) => {
  beforeEach(() => {
    transport = t;
  });

  let server: Server;
  let url: string;
  const HUGE = 'x'.repeat(1024 * 1024 + 100);

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      if (req.url === '/bad-json/v1/chat/completions') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('data: {"choices":[{"delta":{"content":"ok"}}]}\n\ndata: {not json}\n\ndata: [DONE]\n\n');
      } else if (req.url === '/huge/v1/chat/completions') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: ' + HUGE);
        // Never ends the line: the client must give up, not buffer forever.
      } else if (req.url === '/echo-key/v1/chat/completions') {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${req.headers.authorization}` } }));
      } else if (req.url === '/no-done/v1/chat/completions') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('data: {"choices":[{"delta":{"content":"half"}}]}\n\n');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((res) => server.close(() => res()));
  });

  it('bad JSON in an event is malformed', async () => {
    const { llm, recorder } = setup({}, { baseUrl: url + '/bad-json' });
    const r = await llm.chat();
    expect(r.errorKind).toBe('malformed');
    expect(recorder.takeDelta().counters['llm.errors.malformed']).toBe(1);
  });

  it('an SSE line over 1 MiB is malformed, not a leak', async () => {
    const { llm } = setup({}, { baseUrl: url + '/huge' });
    const r = await llm.chat();
    expect(r.errorKind).toBe('malformed');
    expect(r.error).toContain('over 1 MiB');
  });

  it('a stream that ends without its end marker is stream_broken', async () => {
    const { llm } = setup({}, { baseUrl: url + '/no-done' });
    const r = await llm.chat();
    expect(r.errorKind).toBe('stream_broken');
    expect(r.text).toBe('half');
  });

  it('never shows the API key, even when the server echoes it', async () => {
    const { llm, recorder } = setup({}, { baseUrl: url + '/echo-key' });
    const r = await llm.chat();
    expect(r.errorKind).toBe('auth');
    expect(r.error).not.toContain(KEY);
    expect(r.error).toContain('Bearer ***');
    const d = recorder.takeDelta();
    expect(JSON.stringify(d.errors)).not.toContain(KEY);
  });
});

describe('preloadLlm', () => {
  it('loads the tokenizer and dataset without a request', async () => {
    const { preloadLlm } = await import('../../src/clients/llm/client.js');
    mock.clearGroundTruth();
    expect(() => preloadLlm(new TestUser())).not.toThrow();
    expect(mock.groundTruth()).toEqual([]);
    expect(() => preloadLlm(Object.assign(new TestUser(), { traffic: 'Q(1)' }))).toThrow(/invalid traffic "Q\(1\)"/);
  });
});
