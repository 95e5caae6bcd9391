import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { LLMUser, type LlmClient } from '../../src/api/llm.js';
import { createLlmClient } from '../../src/clients/llm/client.js';
import { SocketPool } from '../../src/clients/wire/socket-pool.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { SPEECH_CHARS_PER_SECOND, SPEECH_CHUNK_SECONDS, TRANSCRIPT_TOKENS_PER_SECOND } from '../../src/mock/media.js';
import { IMAGE_PATCH_SIDE } from '../../src/mock/embeddings.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { MetricsAggregate } from '../../src/metrics/aggregate.js';
import { buildLlmSummary } from '../../src/metrics/llm-summary.js';
import { wavClip } from '../../src/workload/audio.js';
import { seededRandom } from '../../src/util/random.js';
import { startHostileServer } from '../helpers/hostile-servers.js';
import { clientContext } from '../helpers/client-context.js';

// GenAI Bench's media tasks against the mock, over both transports: what Volley
// reports is compared with what the mock did (its ground truth and its rules).
const TTFT_MS = 30;
const ITL_MS = 3;
const IMAGE_MS = 40;

let mock: MockServer;
const agent = new Agent();
const sockets = new SocketPool();

beforeAll(async () => {
  mock = await startMockServer({ port: 0, ttftMs: TTFT_MS, itlMs: ITL_MS, imageMs: IMAGE_MS });
});
afterAll(async () => {
  await mock.close();
  await agent.close();
  sockets.close();
});

class Media extends LLMUser {
  model = 'mock-media';
}

function setup(transport: 'socket' | 'undici', fields: Partial<LLMUser> = {}, options: Record<string, unknown> = {}): { llm: LlmClient; recorder: MetricsRecorder } {
  const ctx = clientContext({ dispatcher: agent, sockets: transport === 'socket' ? sockets : undefined, baseUrl: mock.url, random: seededRandom(3), options });
  return { llm: createLlmClient(Object.assign(new Media(), fields), ctx), recorder: ctx.recorder };
}

function summaryOf(recorder: MetricsRecorder) {
  const agg = new MetricsAggregate();
  agg.addDelta(recorder.takeDelta());
  return buildLlmSummary(agg, 1, false)!;
}

describe.each(['socket', 'undici'] as const)('media requests against the mock (%s)', (transport) => {
  it('text to speech: A(chars) input, first audio byte as TTFT, audio seconds from the WAV', async () => {
    const { llm, recorder } = setup(transport, { traffic: 'A(150)' });
    mock.clearGroundTruth();
    const r = await llm.speech();
    expect(r.error).toBeUndefined();
    expect(r.inputChars).toBe(150);
    // 150 chars at 15 chars/s: 10 s of 24 kHz 16-bit audio, after a 44-byte header.
    const seconds = 150 / SPEECH_CHARS_PER_SECOND;
    expect(r.audioSeconds).toBeCloseTo(seconds, 6);
    expect(r.audioBytes).toBe(44 + seconds * 24_000 * 2);
    expect(r.ttftMs!).toBeGreaterThanOrEqual(TTFT_MS);
    const chunks = Math.ceil(seconds / SPEECH_CHUNK_SECONDS);
    expect(r.e2eMs).toBeGreaterThanOrEqual(TTFT_MS + (chunks - 1) * ITL_MS);
    const [truth] = mock.groundTruth();
    expect(truth!.path).toBe('/v1/audio/speech');
    expect(truth!.chunks).toBe(chunks);
    const s = summaryOf(recorder);
    expect(s.requests).toBe(1);
    expect(s.audioSeconds).toBeCloseTo(seconds, 3);
    expect(s.inputChars).toBe(150);
    // Time to first audio byte and E2E are the speech name's (the totals' latency series are generation's).
    expect(s.ttftMs.count).toBe(0);
    expect(s.byName!['/v1/audio/speech']!.ttftMs.count).toBe(1);
    expect(s.byName!['/v1/audio/speech']!.e2eMs.count).toBe(1);
    expect(s.audioSpeed!.count).toBe(1);
    expect(s.audioSpeed!.max).toBeCloseTo(seconds / (r.e2eMs / 1000), 0);
  });

  it('text to speech in pcm: no header, seconds from the byte count', async () => {
    const { llm } = setup(transport);
    const r = await llm.speech({ input: 'x'.repeat(30), format: 'pcm' });
    expect(r.error).toBeUndefined();
    expect(r.audioBytes).toBe(2 * 24_000 * 2);
    expect(r.audioSeconds).toBeCloseTo(2, 6);
  });

  it('a format the server refuses is a counted http_4xx failure', async () => {
    const { llm, recorder } = setup(transport);
    const r = await llm.speech({ input: 'hello', format: 'mp3' });
    expect(r.errorKind).toBe('http_4xx');
    expect(r.error).toMatch(/response_format/);
    expect(recorder.takeDelta().counters).toMatchObject({ 'llm.failures': 1, 'llm.errors.http_4xx': 1 });
  });

  it('speech to text: a generated WAV is uploaded as multipart; transcript tokens from usage', async () => {
    const { llm, recorder } = setup(transport);
    mock.clearGroundTruth();
    const r = await llm.transcriptions({ audioSeconds: 4 });
    expect(r.error).toBeUndefined();
    expect(r.audioSeconds).toBe(4);
    expect(r.outputTokens).toBe(4 * TRANSCRIPT_TOKENS_PER_SECOND);
    expect(r.text.length).toBeGreaterThan(0);
    expect(r.e2eMs).toBeGreaterThanOrEqual(TTFT_MS + ITL_MS * (r.outputTokens - 1));
    expect(mock.groundTruth()[0]!.outputTokens).toBe(10);
    const s = summaryOf(recorder);
    expect(s.outputTokens).toBe(10);
    expect(s.audioSeconds).toBe(4);
  });

  it('speech to text of a given WAV file', async () => {
    const { llm } = setup(transport);
    const r = await llm.transcriptions({ audio: wavClip(2), fileName: 'clip.wav', language: 'en' });
    expect(r.error).toBeUndefined();
    expect(r.audioSeconds).toBeCloseTo(2, 6);
    expect(r.outputTokens).toBe(5);
  });

  it('text to image: n images after imageMs each, counted', async () => {
    const { llm, recorder } = setup(transport, { traffic: 'I(256,256)' });
    mock.clearGroundTruth();
    const r = await llm.images({ n: 3 });
    expect(r.error).toBeUndefined();
    expect(r.images).toBe(3);
    expect(r.e2eMs).toBeGreaterThanOrEqual(3 * IMAGE_MS);
    expect(r.json<{ data: unknown[] }>().data).toHaveLength(3);
    expect(r.inputTokens).toBe(mock.groundTruth()[0]!.inputTokens);
    const s = summaryOf(recorder);
    expect(s.images).toBe(3);
    expect(s.inputTokens).toBe(r.inputTokens);
  });

  it('image to embeddings: OpenAI-compatible (vLLM messages form), tokens per 28-px patch', async () => {
    const { llm } = setup(transport, { traffic: 'I(112,56)' });
    const r = await llm.embeddings({ images: 2 });
    expect(r.error).toBeUndefined();
    expect(r.usageSource).toBe('server');
    expect(r.inputTokens).toBe(2 * (112 / IMAGE_PATCH_SIDE) * (56 / IMAGE_PATCH_SIDE));
  });

  it('image to embeddings: Cohere images with input_type image', async () => {
    const { llm } = setup(transport, { traffic: 'I(56,56)', provider: 'cohere' });
    const r = await llm.embeddings({ images: 3 });
    expect(r.error).toBeUndefined();
    expect(r.inputTokens).toBe(3 * 4);
    expect(r.json<{ embeddings: { float: unknown[] } }>().embeddings.float).toHaveLength(3);
  });

  it('rerank with R(doc,query) traffic and a batch size: documents of the shape, input tokens counted', async () => {
    const { llm, recorder } = setup(transport, { traffic: 'R(40,10)' }, { batchSize: [5] });
    mock.clearGroundTruth();
    const r = await llm.rerank();
    expect(r.error).toBeUndefined();
    expect(r.results).toHaveLength(5);
    expect(mock.groundTruth()[0]!.path).toBe('/v1/rerank');
    expect(summaryOf(recorder).inputTokens).toBe(5 * 40 + 10);
  });

  it('embeddings batch: a sweep stage overrides the batch size', async () => {
    const { llm } = setup(transport, { traffic: 'E(20)' }, { batchSize: [2], batchSizeOverride: 6 });
    const r = await llm.embeddings();
    expect(r.error).toBeUndefined();
    expect(r.inputTokens).toBe(6 * 20);
    expect(r.json<{ data: unknown[] }>().data).toHaveLength(6);
  });
});

it('media calls on a provider without them are a clear error', async () => {
  const { llm } = setup('socket', { provider: 'anthropic' });
  await expect(llm.speech()).rejects.toThrow(/speech\(\) is not available with provider 'anthropic'/);
});

describe.each(['socket', 'undici'] as const)('speech against hostile servers (%s)', (transport) => {
  // The audio body is read but not kept (only its 44-byte head): an answer without end costs no memory
  // and ends at the request's deadline; one that never starts ends there too.
  it.each(['never-answers', 'stall-after-headers', 'trickle', 'endless-body'] as const)('%s: a timeout within the deadline', async (kind) => {
    const server = await startHostileServer(kind);
    try {
      const recorder = new MetricsRecorder();
      const ctx = clientContext({ recorder, dispatcher: agent, sockets: transport === 'socket' ? sockets : undefined, baseUrl: server.url, requestTimeoutMs: 500, random: seededRandom(3) });
      const llm = createLlmClient(Object.assign(new Media(), { traffic: 'A(30)' }), ctx);
      const r = await llm.speech();
      expect(r.errorKind).toBe('timeout');
      expect(recorder.takeDelta().counters).toMatchObject({ 'llm.failures': 1, 'llm.errors.timeout': 1 });
    } finally {
      await server.close();
    }
  });
});
