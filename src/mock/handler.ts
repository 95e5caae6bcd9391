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
import { tokenText } from './vocabulary.js';
import { mockStreamLimit, StreamCapacity } from './capacity.js';
import { CloudAuth, MOCK_TOKEN_PATH } from './cloud-auth.js';

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
  private readonly untrack = (item: Abortable): void => {
    if (this.inFlight.delete(item) && item instanceof TokenStream) this.capacity.closed();
  };
  private readonly capacity: StreamCapacity;
  /** Checks the signatures and tokens of the cloud dialects, and issues tokens (POST /token). */
  readonly cloudAuth: CloudAuth;

  constructor(
    private readonly options: ResolvedMockOptions,
    /** Where the mock's warnings go (its stderr by default): streams past its capacity. */
    warn: (message: string) => void = (m) => process.stderr.write(`warning: ${m}\n`),
  ) {
    this.capacity = new StreamCapacity(mockStreamLimit(options.itlMs, options.tokensPerChunk), options.itlMs, warn);
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
    } else if (path === '/mock/ground-truth' && (method === 'GET' || method === 'DELETE')) {
      if (method === 'DELETE') this.groundTruth.clear();
      return sendJson(res, 200, method === 'GET' ? this.groundTruth.list() : { cleared: true });
    } else if (method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, modelList());
    } else if (method === 'GET' && path === '/health') {
      return sendJson(res, 200, { status: 'ok' });
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
    const parsed = parseJson(raw);
    if (typeof parsed === 'string') return fail(400, parsed);

    const exchange: Exchange = { req, res, route, record, overrides, random, startedAt, body: parsed.value };
    const { endpoint } = route;
    if (endpoint.kind === 'text') return this.serveText(exchange, endpoint.dialect, fail);
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

  private serveText(exchange: Exchange, dialect: TextDialect, fail: (status: number, message: string) => void): void {
    const { res, record, route, overrides, random, startedAt } = exchange;
    const request = dialect.parse(exchange.body);
    if (typeof request === 'string') return fail(400, request);
    const outputTokens = request.maxTokens ?? this.options.defaultOutputTokens;
    const plan = planResponse(this.options, overrides, random, outputTokens);
    if (!dialect.supportsReasoning) plan.reasoningTokens = 0;
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
    };

    if (request.stream) {
      const stream = new TokenStream(res, dialect.frames(ctx), plan, record, startedAt, this.untrack);
      this.inFlight.add(stream);
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
      const content = tokenText(plan.startWord, plan.reasoningTokens, outputTokens - plan.reasoningTokens);
      sendJson(res, 200, dialect.answer(ctx, reasoning, content), { 'x-mock-request-id': record.id });
      const now = epochNow();
      record.firstTokenAt = now;
      if (outputTokens > plan.reasoningTokens) record.firstContentAt = now;
      record.lastTokenAt = now;
      record.outputTokens = outputTokens;
      record.chunks = 1;
    });
  }

  private replyLater(exchange: Exchange, latencyMs: number, send: () => void): void {
    const jitterMs = this.options.jitterMs > 0 ? (exchange.random() * 2 - 1) * this.options.jitterMs : 0;
    const dueAt = exchange.startedAt + Math.max(0, latencyMs + jitterMs);
    const reply = new DelayedReply(exchange.res, exchange.record, dueAt, send, this.untrack);
    this.inFlight.add(reply);
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
