import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { DelayedReply } from './delayed-reply.js';
import type { AnswerContext, TextDialect } from './dialects/dialect.js';
import { cohereEmbed, cohereRerank, openaiEmbeddings, type VectorAnswer } from './embeddings.js';
import { injectedErrorMessage, sendError } from './errors.js';
import { epochNow, GroundTruthLog, type GroundTruthRecord } from './ground-truth.js';
import { parseJson, readBody, sendJson } from './http-io.js';
import type { ResolvedMockOptions } from './options.js';
import { injectedFailure, planResponse, readHeaderOverrides, requestRandom, type HeaderOverrides } from './plan.js';
import { isKnownPath, matchApiRoute, type ApiRoute } from './routes.js';
import { TokenStream, type Abortable } from './token-stream.js';
import { contentText, STRUCTURED_MIN_TOKENS, tokenText } from './vocabulary.js';
import { mockStreamLimit, StreamCapacity } from './capacity.js';
import { AudioStream, planImages, planSpeech, planTranscription, type MediaPlan } from './media.js';
import { PrefixCache } from './prefix-cache.js';
import { getTokenizer } from '../workload/tokenizer.js';
import { MockMetrics } from './metrics.js';
import { ConcurrencyGate } from './concurrency-gate.js';
import { AZURE_TOKEN_PATH, CloudAuth, MOCK_TOKEN_PATH } from './cloud-auth.js';

/** Everything known about one API request once its body is read. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  route: ApiRoute;
  record: GroundTruthRecord;
  overrides: HeaderOverrides;
  random: () => number;
  /** performance.now() when the headers arrived. */
  startedAt: number;
  body: unknown;
}

/** Embeddings and rerank answer after this long unless latencyMs says otherwise. */
const VECTOR_LATENCY_MS = 20;

/** Serves every request of one mock server; keeps its ground truth and what is in flight. */
export class MockHandler {
  readonly groundTruth = new GroundTruthLog();
  private readonly inFlight = new Set<Abortable>();
  private sequence = 0;
  /** GET /metrics: vLLM's names, from the state below (metrics.ts). */
  readonly metrics = new MockMetrics(undefined, () => this.gate?.waiting ?? 0);
  /** The concurrency cap (options.maxConcurrent): requests past it wait for a slot. */
  readonly gate: ConcurrencyGate | undefined;
  private readonly untrack = (item: Abortable): void => {
    this.metrics.end(item);
    if (this.inFlight.delete(item) && item instanceof TokenStream) this.capacity.closed();
  };
  private readonly capacity: StreamCapacity;
  /** The simulated prefix cache (options.prefixCache), shared by every request of this server. */
  readonly prefixCache: PrefixCache | undefined;
  /** Checks the signatures and tokens of the cloud dialects, and issues tokens (POST /token). */
  readonly cloudAuth: CloudAuth;

  constructor(
    private readonly options: ResolvedMockOptions,
    /** Where the mock's warnings go (its stderr by default): streams past its capacity. */
    warn: (message: string) => void = (m) => process.stderr.write(`warning: ${m}\n`),
  ) {
    this.capacity = new StreamCapacity(mockStreamLimit(options.itlMs, options.tokensPerChunk), options.itlMs, warn);
    this.prefixCache = options.prefixCache ? new PrefixCache(options.prefixCacheBlockTokens, options.prefixCacheBlocks) : undefined;
    this.gate = options.maxConcurrent !== undefined ? new ConcurrencyGate(options.maxConcurrent) : undefined;
    this.cloudAuth = new CloudAuth({
      aws: { accessKeyId: options.awsAccessKeyId, secretAccessKey: options.awsSecretAccessKey },
      awsRegion: options.awsRegion,
      googleToken: options.googleToken,
      googleTokenTtlMs: options.googleTokenTtlMs,
      ociPublicKey: options.ociPublicKey,
    });
  }

  /** Stops every stream and pending answer, e.g. when the server closes. */
  abortAll(reason: string): void {
    for (const item of [...this.inFlight]) item.abort(reason);
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const startedAt = performance.now();
    this.route(req, res, startedAt).catch((err: unknown) => {
      if (res.destroyed) return; // the client left while we read its body
      if (!res.headersSent) sendError(res, 'openai', 500, `mock: internal error: ${(err as Error).message}`);
      else res.destroy();
    });
  };

  private async route(req: IncomingMessage, res: ServerResponse, startedAt: number): Promise<void> {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const method = req.method ?? 'GET';

    if (method === 'POST') {
      const route = matchApiRoute(path);
      if (route) return this.serveApi(req, res, route, path, startedAt);
      if (path === MOCK_TOKEN_PATH) return this.cloudAuth.serveToken(req, res, (await readBody(req)) ?? Buffer.alloc(0));
      if (AZURE_TOKEN_PATH.test(path)) return this.cloudAuth.serveAzureToken(res, (await readBody(req)) ?? Buffer.alloc(0));
    } else if (path === '/mock/ground-truth' && (method === 'GET' || method === 'DELETE')) {
      if (method === 'DELETE') this.groundTruth.clear();
      return sendJson(res, 200, method === 'GET' ? this.groundTruth.list() : { cleared: true });
    } else if (method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, modelList());
    } else if (method === 'GET' && path === '/health') {
      return sendJson(res, 200, { status: 'ok' });
    } else if (method === 'GET' && path === '/metrics') {
      const text = await this.metrics.text();
      res.writeHead(200, { 'content-type': this.metrics.registry.contentType });
      return void res.end(text);
    }
    req.resume();
    if (isKnownPath(path)) sendError(res, 'openai', 405, `mock: ${method} is not allowed on ${path}`);
    else sendError(res, 'openai', 404, `mock: no such endpoint: ${method} ${path}`);
  }

  private async serveApi(req: IncomingMessage, res: ServerResponse, route: ApiRoute, path: string, startedAt: number): Promise<void> {
    const sequence = ++this.sequence;
    const record = this.groundTruth.add({
      id: `${route.idPrefix}mock-${sequence}`,
      path,
      receivedAt: performance.timeOrigin + startedAt,
      outputTokens: 0,
      inputTokens: 0,
      chunks: 0,
      status: 0,
    });
    const fail = (status: number, message: string): void => {
      record.status = status;
      record.error = message;
      req.resume();
      sendError(res, route.errorShape, status, message, record.id);
    };

    if (route.apiKeyHeader && !req.headers[route.apiKeyHeader] && !req.headers.authorization) {
      return fail(401, `mock: missing API key: send it in the ${route.apiKeyHeader} header`);
    }
    if (route.apiKeyHeader === 'api-key' && !req.headers['api-key']) {
      // Azure with Entra ID: the bearer token must be one the mock issued, still valid.
      const refused = this.cloudAuth.checkAzureBearer(req);
      if (refused) return fail(refused.status, refused.message);
    }
    const overrides = readHeaderOverrides(req.headers);
    if (typeof overrides === 'string') return fail(400, overrides);
    const raw = await readBody(req).catch(() => null);
    if (raw === null) {
      record.error = 'client disconnected';
      return;
    }
    if (raw === undefined) return fail(413, 'mock: request body too large');
    if (route.auth) {
      const refused = await this.cloudAuth.check(route.auth, req, raw);
      if (refused) return fail(refused.status, refused.message);
    }
    const random = requestRandom(this.options, sequence);
    const failStatus = injectedFailure(this.options, overrides, random);
    if (failStatus !== undefined) return fail(failStatus, injectedErrorMessage(failStatus));
    if (this.gate !== undefined) {
      // Served once a slot is free; the timing of the answer starts then, so the wait is part of the TTFT.
      if (!(await this.takeSlot(this.gate, res))) {
        record.error = 'client disconnected while queued';
        return;
      }
      startedAt = performance.now();
    }
    if (route.endpoint.kind === 'openai-transcriptions') {
      const exchange: Exchange = { req, res, route, record, overrides, random, startedAt, body: undefined };
      return this.serveMedia(exchange, await planTranscription(req.headers['content-type'], raw), fail);
    }
    const parsed = parseJson(raw);
    if (typeof parsed === 'string') return fail(400, parsed);

    const exchange: Exchange = { req, res, route, record, overrides, random, startedAt, body: parsed.value };
    const { endpoint } = route;
    if (endpoint.kind === 'text') return this.serveText(exchange, endpoint.dialect, fail);
    if (endpoint.kind === 'openai-images') return this.serveMedia(exchange, planImages(exchange.body), fail);
    if (endpoint.kind === 'openai-speech') return this.serveMedia(exchange, planSpeech(exchange.body), fail);
    const settings = { id: record.id, dim: this.options.embeddingDim, seed: this.options.seed };
    const answer: VectorAnswer =
      endpoint.kind === 'openai-embeddings'
        ? openaiEmbeddings(exchange.body, settings)
        : endpoint.kind === 'cohere-embed'
          ? cohereEmbed(exchange.body, settings)
          : cohereRerank(exchange.body, settings);
    if (typeof answer === 'string') return fail(400, answer);
    record.inputTokens = answer.inputTokens;
    record.status = 200;
    const latencyMs = overrides.latencyMs ?? this.options.latencyMs ?? VECTOR_LATENCY_MS;
    this.replyLater(exchange, latencyMs, () => sendJson(res, 200, answer.body, { 'x-mock-request-id': record.id }));
  }

  /** Waits for a slot of the cap and holds it until the response closes; false when the client left first. */
  private async takeSlot(gate: ConcurrencyGate, res: ServerResponse): Promise<boolean> {
    const wait = gate.acquire();
    if (wait !== undefined) {
      let gone = false;
      const onGone = (): void => {
        gone = true;
      };
      res.once('close', onGone);
      await wait;
      res.off('close', onGone);
      if (gone || res.destroyed) {
        gate.release();
        return false;
      }
    }
    res.once('close', () => gate.release());
    return true;
  }

  private serveText(exchange: Exchange, dialect: TextDialect, fail: (status: number, message: string) => void): void {
    const { res, record, route, overrides, random, startedAt } = exchange;
    const request = dialect.parse(exchange.body);
    if (typeof request === 'string') return fail(400, request);
    const outputTokens = request.maxTokens ?? this.options.defaultOutputTokens;
    const plan = planResponse(this.options, overrides, random, outputTokens);
    if (!dialect.supportsReasoning) plan.reasoningTokens = 0;
    // The prefix cache reads the prompt's tokens (the same count as inputTokens); the uncached rest costs prefill time.
    let cachedTokens: number | undefined;
    if (this.prefixCache !== undefined && request.prompt !== undefined) {
      cachedTokens = this.prefixCache.admit(getTokenizer('cl100k_base').encode(request.prompt));
      record.cachedTokens = cachedTokens;
    }
    const prefillMs = this.options.prefillPerTokenMs * (request.inputTokens - (cachedTokens ?? 0));
    if (prefillMs > 0) {
      plan.ttftMs += prefillMs;
      plan.latencyMs += prefillMs;
    }
    // A tool call or JSON reply needs room for its braces; shorter answers are plain text.
    if (outputTokens - plan.reasoningTokens >= STRUCTURED_MIN_TOKENS) plan.structured = request.toolCall !== undefined ? 'tool' : request.json ? 'json' : undefined;
    record.inputTokens = request.inputTokens;
    record.status = 200;
    const ctx: AnswerContext = {
      id: record.id,
      model: route.model ?? request.model,
      created: Math.floor(Date.now() / 1000),
      inputTokens: request.inputTokens,
      outputTokens,
      reasoningTokens: plan.reasoningTokens,
      hitMaxTokens: request.maxTokens !== undefined,
      roleChunk: this.options.roleChunk,
      includeUsage: request.includeUsage,
      cachedTokens,
    };
    if (plan.structured === 'tool') ctx.toolCall = { id: `call_${record.id}`, name: request.toolCall! };

    if (request.stream) {
      const stream = new TokenStream(res, dialect.frames(ctx), plan, record, startedAt, this.untrack);
      this.inFlight.add(stream);
      this.metrics.begin(stream, record);
      this.capacity.opened();
      stream.start(streamHeaders(record.id, dialect.streamContentType));
      return;
    }
    // A non-streamed answer waits the whole generation time (plus any stall);
    // a planned cut closes the connection then instead of answering.
    const latencyMs = plan.latencyMs + (plan.stall?.ms ?? 0);
    this.replyLater(exchange, latencyMs, () => {
      if (plan.breakAfterTokens !== undefined) {
        record.error = 'connection cut by mock before the answer';
        res.socket?.destroy();
        return;
      }
      const reasoning = tokenText(plan.startWord, 0, plan.reasoningTokens);
      const content = contentText(plan, plan.reasoningTokens, outputTokens - plan.reasoningTokens);
      sendJson(res, 200, dialect.answer(ctx, reasoning, content), { 'x-mock-request-id': record.id });
      const now = epochNow();
      record.firstTokenAt = now;
      if (outputTokens > plan.reasoningTokens) record.firstContentAt = now;
      record.lastTokenAt = now;
      record.outputTokens = outputTokens;
      record.chunks = 1;
    });
  }

  /**
   * Images answer after imageMs per image; a transcription after ttft + itl
   * per further transcript token, as a non-streamed text answer; speech
   * streams its audio (AudioStream). docs/mock-server.md#media.
   */
  private serveMedia(exchange: Exchange, plan: MediaPlan, fail: (status: number, message: string) => void): void {
    if (typeof plan === 'string') return fail(400, plan);
    const { res, record, overrides } = exchange;
    record.status = 200;
    if (plan.kind === 'speech') {
      record.inputTokens = plan.inputChars;
      const { ttftMs, itlMs } = this.options;
      const stream = new AudioStream(res, record, { seconds: plan.seconds, format: plan.format, ttftMs: overrides.ttftMs ?? ttftMs, itlMs: overrides.itlMs ?? itlMs }, exchange.startedAt, this.untrack);
      this.inFlight.add(stream);
      stream.start();
      return;
    }
    const latencyMs =
      overrides.latencyMs ??
      this.options.latencyMs ??
      (plan.kind === 'images' ? this.options.imageMs * plan.n : (overrides.ttftMs ?? this.options.ttftMs) + (overrides.itlMs ?? this.options.itlMs) * (plan.outputTokens - 1));
    if (plan.kind === 'images') record.inputTokens = plan.inputTokens;
    this.replyLater(exchange, latencyMs, () => {
      sendJson(res, 200, plan.body(), { 'x-mock-request-id': record.id });
      if (plan.kind === 'transcription') {
        const now = epochNow();
        record.firstTokenAt = record.firstContentAt = record.lastTokenAt = now;
        record.outputTokens = plan.outputTokens;
        record.chunks = 1;
      }
    });
  }

  private replyLater(exchange: Exchange, latencyMs: number, send: () => void): void {
    const jitterMs = this.options.jitterMs > 0 ? (exchange.random() * 2 - 1) * this.options.jitterMs : 0;
    const dueAt = exchange.startedAt + Math.max(0, latencyMs + jitterMs);
    const reply = new DelayedReply(exchange.res, exchange.record, dueAt, send, this.untrack);
    this.inFlight.add(reply);
    if (exchange.route.endpoint.kind === 'text') this.metrics.begin(reply, exchange.record);
    reply.start();
  }
}

function streamHeaders(id: string, contentType = 'text/event-stream; charset=utf-8'): OutgoingHttpHeaders {
  return {
    'content-type': contentType,
    'cache-control': 'no-cache',
    'x-mock-request-id': id,
  };
}

function modelList() {
  const created = 1_700_000_000;
  return {
    object: 'list',
    data: ['mock-llm', 'mock-embedding'].map((id) => ({ id, object: 'model', created, owned_by: 'volley-mock' })),
  };
}
