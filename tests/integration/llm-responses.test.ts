/**
 * OpenAI's Responses API against the mock: streamed and whole answers, reasoning
 * summaries, function calls, measured like chat and checked against the
 * mock's ground truth.
 */
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLMUser, type LlmClient } from '../../src/api/llm.js';
import { createLlmClient } from '../../src/clients/llm/client.js';
import { SocketPool } from '../../src/clients/wire/socket-pool.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { MetricsAggregate } from '../../src/metrics/aggregate.js';
import { buildLlmSummary } from '../../src/metrics/llm-summary.js';
import { getTokenizer } from '../../src/workload/tokenizer.js';
import { seededRandom } from '../../src/util/random.js';
import { clientContext } from '../helpers/client-context.js';

const TTFT_MS = 30;
const ITL_MS = 2;
const tok = getTokenizer('cl100k_base');

let mock: MockServer;
let thinking: MockServer;
const agent = new Agent({ keepAliveTimeout: 10_000 });
const sockets = new SocketPool();

beforeAll(async () => {
  mock = await startMockServer({ port: 0, ttftMs: TTFT_MS, itlMs: ITL_MS });
  thinking = await startMockServer({ port: 0, ttftMs: TTFT_MS, itlMs: ITL_MS, reasoningTokens: 6 });
});

afterAll(async () => {
  await mock.close();
  await thinking.close();
  await agent.close();
  sockets.close();
});

class ResponsesUser extends LLMUser {
  model = 'mock-model';
  traffic = 'D(50,20)';
}

function setup(server = mock, fields: Partial<LLMUser> = {}): { llm: LlmClient; recorder: MetricsRecorder } {
  const ctx = clientContext({ dispatcher: agent, sockets, baseUrl: server.url, random: seededRandom(5) });
  return { llm: createLlmClient(Object.assign(new ResponsesUser(), fields), ctx), recorder: ctx.recorder };
}

function truth(server: MockServer) {
  const [g] = server.groundTruth();
  return g!;
}

describe('this.llm.responses()', () => {
  it('streams output_text deltas: TTFT, ITL, TPOT and exact token counts against the ground truth', async () => {
    const { llm, recorder } = setup();
    mock.clearGroundTruth();
    const r = await llm.responses();
    expect(r.error).toBeUndefined();
    const g = truth(mock);
    expect(g.path).toBe('/v1/responses');
    expect(g.inputTokens).toBe(50);
    expect(r.inputTokens).toBe(50);
    expect(r.outputTokens).toBe(20);
    expect(r.usageSource).toBe('server');
    expect(tok.count(r.text)).toBe(20);
    expect(r.ttftMs!).toBeGreaterThanOrEqual(TTFT_MS);
    expect(r.ttftMs!).toBeGreaterThanOrEqual(g.firstTokenAt! - g.receivedAt - 0.01);
    expect(r.itlMs).toHaveLength(19);
    expect(r.tpotMs).toBeCloseTo((r.e2eMs - r.ttftMs!) / 19, 6);
    expect(r.finishReason).toBe('max_output_tokens');
    const d = recorder.takeDelta();
    expect(d.counters).toMatchObject({ 'llm.requests': 1, 'llm.input_tokens': 50, 'llm.output_tokens': 20 });
    expect(d.counters['llm.token_mismatch']).toBeUndefined();
    expect(d.endpoints[0]).toMatchObject({ name: '/v1/responses', requests: 1, failures: 0 });
  });

  it('sends input, instructions and max_output_tokens as given', async () => {
    const { llm } = setup();
    mock.clearGroundTruth();
    const r = await llm.responses({ input: 'Say hi', instructions: 'Be brief.', maxOutputTokens: 7, temperature: 0 });
    expect(r.error).toBeUndefined();
    expect(r.outputTokens).toBe(7);
    expect(truth(mock).inputTokens).toBe(tok.count('Be brief.\nSay hi'));
    const whole = await llm.responses({ input: 'Say hi', maxOutputTokens: null });
    expect(whole.outputTokens).toBe(128);
    expect(whole.finishReason).toBe('completed');
  });

  it('measures reasoning summaries apart: reasoning tokens, TTFCT after TTFT', async () => {
    const { llm, recorder } = setup(thinking);
    const r = await llm.responses({ reasoning: { effort: 'low', summary: 'auto' } });
    expect(r.error).toBeUndefined();
    expect(r.reasoningTokens).toBe(6);
    expect(tok.count(r.reasoning)).toBe(6);
    expect(r.outputTokens).toBe(20);
    expect(r.ttfctMs!).toBeGreaterThan(r.ttftMs!);
    expect(r.itlMs).toHaveLength(19);
    expect(recorder.takeDelta().counters['llm.reasoning_tokens']).toBe(6);
  });

  it('reads a whole (non-streamed) response', async () => {
    const { llm } = setup(thinking, { stream: false });
    const r = await llm.responses();
    expect(r.error).toBeUndefined();
    expect(r.outputTokens).toBe(20);
    expect(r.reasoningTokens).toBe(6);
    expect(tok.count(r.text)).toBe(14);
    expect(tok.count(r.reasoning)).toBe(6);
  });

  it('times a function call from its arguments deltas, and answers it with a function_call_output', async () => {
    const { llm, recorder } = setup();
    mock.clearGroundTruth();
    const tools = [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: { query: { type: 'string' } } } }];
    const r = await llm.responses({ input: 'Look it up', tools, maxOutputTokens: 10 });
    expect(r.error).toBeUndefined();
    expect(r.text).toBe('');
    expect(r.toolCalls).toEqual([{ id: expect.stringMatching(/^call_/), name: 'lookup', arguments: expect.any(String), input: { query: expect.any(String) } }]);
    expect(r.outputTokens).toBe(10);
    expect(truth(mock).chunks).toBe(10);
    expect(r.ttftMs!).toBeGreaterThanOrEqual(TTFT_MS);
    expect(r.itlMs).toHaveLength(9);
    expect(r.finishReason).toBe('completed');
    const c = r.toolCalls[0]!;
    const next = await llm.responses({
      input: [
        { role: 'user', content: 'Look it up' },
        { type: 'function_call', call_id: c.id, name: c.name, arguments: c.arguments },
        { type: 'function_call_output', call_id: c.id, output: 'found' },
      ],
      tools,
      maxOutputTokens: 6,
    });
    expect(next.toolCalls).toEqual([]);
    expect(tok.count(next.text)).toBe(6);
    const agg = new MetricsAggregate();
    agg.addDelta(recorder.takeDelta());
    const s = buildLlmSummary(agg, 1, false)!;
    expect(s).toMatchObject({ requests: 2, failures: 0, outputTokens: 16 });
    expect(s.itlMs.count).toBe(9 + 5);
  });

  it('checks JSON replies asked with text.format', async () => {
    const { llm } = setup();
    const format = { text: { format: { type: 'json_schema', name: 'q', schema: { type: 'object' } } } };
    const ok = await llm.responses({ input: 'json please', maxOutputTokens: 8, ...format });
    expect(ok.error).toBeUndefined();
    expect(JSON.parse(ok.text)).toEqual({ query: expect.any(String) });
    const broken = await llm.responses({ input: 'json please', maxOutputTokens: 8, headers: { 'x-mock-broken-json': '1' }, ...format });
    expect(broken.errorKind).toBe('invalid_json');
  });

  it('is an error with a hint for providers without the Responses API', async () => {
    const { llm } = setup(mock, { provider: 'anthropic' });
    await expect(llm.responses()).rejects.toThrow(/responses\(\) is not available with provider 'anthropic'/);
  });
});
