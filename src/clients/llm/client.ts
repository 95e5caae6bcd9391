import {
  LLM_CLIENT,
  LlmRequestError,
  type ChatMessage,
  type ChatOptions,
  type CompletionOptions,
  type ContentPart,
  type EmbeddingsOptions,
  type EmbeddingsResult,
  type LlmClient,
  type LlmErrorKind,
  type LlmResult,
  type LLMUser,
  type RerankOptions,
  type RerankResult,
} from '../../api/llm.js';
import { redact, StopUser, UserError } from '../../errors.js';
import { loadDataset, recordText } from '../../workload/dataset.js';
import { folderImages, generatedImage, imageSizeProblem, imageVariants, prebuildImages } from '../../workload/images.js';
import { promptSource, type PromptSource } from '../../workload/prompt.js';
import { getTokenizer, type Tokenizer } from '../../workload/tokenizer.js';
import { traceRecordOf } from '../../api/trace.js';
import { traceInput } from './trace-input.js';
import { parseTrafficCached, sampleTraffic, type TrafficSpec } from '../../workload/traffic.js';
import type { ClientContext } from '../context.js';
import type { Endpoint, StreamDelta } from './adapter.js';
import { joinPath, resolveTarget, type ResolvedTarget } from './config.js';
import { undiciTransport, type Transport } from '../transport.js';
import { CONNECT_ERRORS_COUNTER, isConnectError } from '../backoff.js';
import { runExchange, type ExchangeOutcome } from './exchange.js';
import { finishGeneration, recordFailure, recordSimple } from './finish.js';
import { requestsLogFor, type RequestLogRecord, type RequestsLog } from './requests-log.js';
import { parseSlos, type Slo } from './slo.js';
import { applyLlmRunOptions } from './run-options.js';
import { headerSecrets } from './redaction.js';
import { maxBodyOf } from '../answer-limits.js';
import { RetryAfterGate, timerPause } from '../retry-after.js';
import { isLlmUser } from './is-llm-user.js';

export { isLlmUser };

/**
 * Creates the user's LLM client and puts it where `this.llm` reads it. Does
 * nothing for other users. What its requests need is loaded before any user
 * starts (prepareLlmClass).
 */
export function attachLlmClient(user: unknown, ctx: ClientContext): void {
  if (!isLlmUser(user)) return;
  applyLlmRunOptions(user, ctx.options);
  (user as unknown as Record<symbol, unknown>)[LLM_CLIENT] = new UserLlmClient(user, ctx);
}

/**
 * For the runtime, once per LLM user class and worker before its users start,
 * given one instance: creates a client as a user would get it, so a bad
 * provider, host, traffic or SLO is an error now rather than in every user,
 * and preloads what the traffic in force needs (preloadLlm), so a missing
 * dataset is too.
 */
export function prepareLlmClass(user: LLMUser, ctx: ClientContext): void {
  applyLlmRunOptions(user, ctx.options);
  preloadLlm(user, new UserLlmClient(user, ctx).trafficText());
}

/**
 * The client behind `this.llm` of one virtual user. Provider, key, host and SLOs
 * are resolved here, once; traffic, model and dataset are read from the user at
 * each call, so onStart may still change them.
 */
export function createLlmClient(user: LLMUser, ctx: ClientContext): LlmClient {
  return new UserLlmClient(user, ctx);
}

/**
 * Loads what a user class needs before its users start: the tiktoken encoder
 * (~0.5 s of CPU) and the tokenized dataset. Without it the first request of
 * each worker pays for them, stalling the streams already in flight on that
 * worker. Call once per LLM user class and worker, with an instance of it and
 * the traffic in force (prepareLlmClass does, for the runtime).
 */
export function preloadLlm(user: LLMUser, traffic: string = user.traffic): void {
  const source = promptSource(loadDataset(user.dataset, { column: user.datasetColumn }), getTokenizer(user.tokenizer));
  // Prompts cut to a token count come from the tokenized corpus; dataset traffic sends the rows as they are.
  const spec = parseTrafficCached(traffic);
  if (spec.kind !== 'dataset') void source.corpus;
  // I(width,height): every variant is encoded now (up to 0.35 s each at 2048×2048), not in the first requests.
  if (spec.kind === 'image' && !user.imageDir) prebuildImages(spec.width, spec.height);
}

/** Input text of image requests (I traffic), and their output length when nothing else sets it. */
const IMAGE_PROMPT_TOKENS = 50;
const IMAGE_OUTPUT_TOKENS = 100;
/** Embedding input length when neither the traffic (E) nor the call sets one. */
const DEFAULT_EMBEDDING_TOKENS = 512;
const DEFAULT_IMAGE_SIZE: [number, number] = [512, 512];

/** ChatOptions / CompletionOptions fields that steer Volley; every other field goes into the body. */
const OWN_OPTIONS = new Set([
  'name',
  'timeoutMs',
  'throwOnError',
  'headers',
  'model',
  'messages',
  'prompt',
  'input',
  'inputTokens',
  'outputTokens',
  'images',
  'imageSize',
  'prefixLen',
  'stream',
  'query',
  'documents',
  'documentCount',
  'documentTokens',
  'topN',
  'signal',
]);

interface Shaped {
  messages?: ChatMessage[];
  text: string;
  inputTokens: number;
  outputTokens: number | undefined;
}

class UserLlmClient implements LlmClient {
  private readonly target: ResolvedTarget;
  private readonly slos: Slo[];
  private readonly secrets: string[];
  private readonly requestsLog: RequestsLog | undefined;
  private tokenizerCache?: Tokenizer;
  private transport?: Transport;
  private readonly retryAfter: RetryAfterGate;
  private readonly maxBodyBytes: number;

  constructor(
    private readonly user: LLMUser,
    private readonly ctx: ClientContext,
  ) {
    this.target = resolveTarget(user, ctx.baseUrl);
    this.slos = parseSlos(ctx.options.slo);
    this.secrets = [...(this.target.apiKey ? [this.target.apiKey] : []), ...headerSecrets(this.target.adapter.headers)];
    this.requestsLog = requestsLogFor(ctx.options, ctx.warnOnce);
    this.retryAfter = new RetryAfterGate(ctx.pause ?? timerPause(ctx.hardStop));
    this.maxBodyBytes = maxBodyOf(ctx.options);
    // Fail at user start, not at the first request, on a bad traffic string.
    parseTrafficCached(this.trafficText());
  }

  async chat(opts: ChatOptions = {}): Promise<LlmResult> {
    const { adapter } = this.target;
    const model = this.model(opts);
    const stream = opts.stream ?? this.user.stream;
    const spec = parseTrafficCached(this.trafficText());
    let messages: ChatMessage[];
    let localInput: number;
    let outputTokens = this.givenOutputTokens(opts);
    if (opts.messages) {
      messages = opts.messages;
      localInput = this.countMessages(messages);
      if (opts.outputTokens === undefined) outputTokens = this.trafficOutputTokens(spec);
    } else {
      const shaped = this.traced(opts) ?? this.shape(spec, opts);
      messages = shaped.messages ?? [{ role: 'user', content: shaped.text }];
      localInput = shaped.inputTokens;
      if (opts.outputTokens === undefined) outputTokens = shaped.outputTokens;
    }
    const images = opts.images ?? (spec.kind === 'image' ? spec.count : 0);
    if (images > 0) messages = this.withImages(messages, images, opts.imageSize ?? (spec.kind === 'image' ? [spec.width, spec.height] : DEFAULT_IMAGE_SIZE));

    const body = adapter.chatBody({ model, messages, stream, outputTokens });
    const out = await this.send(adapter.chat, body, opts, stream, adapter.parseChatEvent, adapter.parseChatResponse);
    return this.finish(adapter.chat, out, messages, localInput, opts);
  }

  async completions(opts: CompletionOptions = {}): Promise<LlmResult> {
    const { adapter } = this.target;
    if (!adapter.completions || !adapter.completionsBody) throw this.unsupported('completions()');
    const model = this.model(opts);
    const stream = opts.stream ?? this.user.stream;
    let prompt = opts.prompt;
    let localInput: number;
    let outputTokens = this.givenOutputTokens(opts);
    if (prompt !== undefined) {
      localInput = this.tokenizer.count(prompt);
      if (opts.outputTokens === undefined) outputTokens = this.trafficOutputTokens(parseTrafficCached(this.trafficText()));
    } else {
      const shaped = this.traced(opts) ?? this.shape(parseTrafficCached(this.trafficText()), opts);
      prompt = shaped.text;
      localInput = shaped.inputTokens;
      if (opts.outputTokens === undefined) outputTokens = shaped.outputTokens;
    }
    const body = adapter.completionsBody({ model, prompt, stream, outputTokens });
    const parseEvent = (_e: string | undefined, data: string, d: StreamDelta) => adapter.parseCompletionEvent!(data, d);
    const out = await this.send(adapter.completions, body, opts, stream, parseEvent, adapter.parseCompletionResponse);
    return this.finish(adapter.completions, out, [{ role: 'user', content: prompt }], localInput, opts);
  }

  async embeddings(opts: EmbeddingsOptions = {}): Promise<EmbeddingsResult> {
    const { adapter } = this.target;
    if (!adapter.embeddings || !adapter.embeddingsBody) throw this.unsupported('embeddings()');
    const model = this.model(opts);
    let texts: string[];
    let localInput = 0;
    if (opts.input !== undefined) {
      texts = typeof opts.input === 'string' ? [opts.input] : opts.input;
      for (const t of texts) localInput += this.tokenizer.count(t);
    } else {
      const spec = parseTrafficCached(this.trafficText());
      const n = opts.inputTokens ?? (spec.kind === 'embedding' ? spec.inputTokens : DEFAULT_EMBEDDING_TOKENS);
      const built = this.prompts.build(n, this.ctx.random);
      texts = [built.text];
      localInput = built.tokens;
    }
    const out = await this.send(adapter.embeddings, adapter.embeddingsBody(model, texts), opts, false, undefined, undefined);
    const serverInput = out.bodyText !== undefined && adapter.embeddingsInputTokens ? adapter.embeddingsInputTokens(out.bodyText) : undefined;
    const bodyText = out.bodyText ?? '';
    let parsed: unknown;
    const result: EmbeddingsResult = {
      inputTokens: serverInput ?? localInput,
      usageSource: serverInput !== undefined ? 'server' : 'tiktoken',
      e2eMs: out.endMs - out.startMs,
      status: out.status,
      json: <T>() => (parsed ??= JSON.parse(bodyText)) as T,
    };
    return this.settleSimple(adapter.embeddings, out, result, result.inputTokens, opts);
  }

  async rerank(opts: RerankOptions = {}): Promise<RerankResult> {
    const { adapter } = this.target;
    if (!adapter.rerank || !adapter.rerankBody) throw this.unsupported('rerank()');
    const model = this.model(opts);
    const query = opts.query ?? this.prompts.build(32, this.ctx.random).text;
    const documents =
      opts.documents ?? Array.from({ length: opts.documentCount ?? 8 }, () => this.prompts.build(opts.documentTokens ?? 128, this.ctx.random).text);
    const out = await this.send(adapter.rerank, adapter.rerankBody(model, query, documents, opts.topN), opts, false, undefined, undefined);
    const result: RerankResult = { results: [], e2eMs: out.endMs - out.startMs, status: out.status };
    if (out.errorKind === undefined) {
      try {
        const j = JSON.parse(out.bodyText ?? '') as { results?: Array<{ index: number; relevance_score: number }> };
        result.results = (j.results ?? []).map((r) => ({ index: r.index, relevanceScore: r.relevance_score }));
      } catch (err) {
        out.errorKind = 'malformed';
        out.errorMessage = `malformed answer (${(err as Error).message})`;
      }
    }
    return this.settleSimple(adapter.rerank, out, result, 0, opts);
  }

  // ---- shared steps ----

  private get tokenizer(): Tokenizer {
    return (this.tokenizerCache ??= getTokenizer(this.runOption('tokenizer') ?? this.user.tokenizer));
  }

  private get prompts(): PromptSource {
    return promptSource(loadDataset(this.runOption('dataset') ?? this.user.dataset, { column: this.user.datasetColumn }), this.tokenizer);
  }

  /** A run option that replaces the user's field (applyLlmRunOptions), read again at each call so onStart cannot undo it. */
  private runOption<K extends 'model' | 'dataset' | 'tokenizer' | 'prefixLen'>(key: K): LLMUser[K] | undefined {
    return this.ctx.options[key] as LLMUser[K] | undefined;
  }

  /**
   * The sweep's current stage (options.trafficOverride, updated in place by the
   * runtime), else a single --traffic, else the user's field. Read at every call.
   */
  trafficText(): string {
    const { trafficOverride, traffic } = this.ctx.options;
    if (typeof trafficOverride === 'string' && trafficOverride !== '') return trafficOverride;
    if (typeof traffic === 'string' && traffic !== '') return traffic;
    if (Array.isArray(traffic) && traffic.length === 1 && typeof traffic[0] === 'string') return traffic[0];
    return this.user.traffic;
  }

  private model(opts: { model?: string }): string {
    const model = opts.model ?? this.runOption('model') ?? this.user.model;
    if (!model && this.target.adapter.provider !== 'azure') {
      throw new UserError(`${this.user.constructor.name}: no model`, "set `model` on the user class, e.g. model = 'llama-3-8b'");
    }
    return model;
  }

  private unsupported(what: string): UserError {
    return new UserError(`${this.user.constructor.name}: ${what} is not available with provider '${this.target.adapter.provider}'`);
  }

  /** The call's own output length; `null` asks for none (the server's default). */
  private givenOutputTokens(opts: { outputTokens?: number | null }): number | undefined {
    return opts.outputTokens ?? undefined;
  }

  /**
   * The traffic's output length for a call that brings its own input (messages
   * or prompt): the input is the caller's, the reply still follows the traffic,
   * so a scenario's shape holds for every call unless it says otherwise.
   */
  private trafficOutputTokens(spec: TrafficSpec): number | undefined {
    return spec.kind === 'image' ? IMAGE_OUTPUT_TOKENS : sampleTraffic(spec, this.ctx.random).outputTokens;
  }

  /** Trace replay: the record this task replays, unless the call sets its own input length. */
  private traced(opts: { inputTokens?: number }): Shaped | undefined {
    const rec = opts.inputTokens === undefined ? traceRecordOf(this.user) : undefined;
    if (!rec) return undefined;
    return traceInput(rec, this.prompts, this.ctx.options.traceBlockSize as number | undefined, (t) => this.tokenizer.count(t));
  }

  /** A generated prompt for the traffic shape, or a dataset record for `dataset` traffic. */
  private shape(spec: TrafficSpec, opts: { inputTokens?: number; prefixLen?: number }): Shaped {
    const random = this.ctx.random;
    const prompts = this.prompts;
    if (spec.kind === 'dataset' && opts.inputTokens === undefined) {
      const r = prompts.record(random);
      return { messages: r.record.messages, text: recordText(r.record), inputTokens: r.inputTokens, outputTokens: r.outputTokens };
    }
    const sample = sampleTraffic(spec, random);
    const inputTokens = opts.inputTokens ?? (spec.kind === 'image' || spec.kind === 'dataset' ? IMAGE_PROMPT_TOKENS : sample.inputTokens);
    const outputTokens = sample.outputTokens ?? (spec.kind === 'image' ? IMAGE_OUTPUT_TOKENS : undefined);
    const built = prompts.build(inputTokens, random, opts.prefixLen ?? this.runOption('prefixLen') ?? this.user.prefixLen);
    return { text: built.text, inputTokens: built.tokens, outputTokens };
  }

  private countMessages(messages: ChatMessage[]): number {
    let n = 0;
    for (const m of messages) {
      if (typeof m.content === 'string') n += this.tokenizer.count(m.content);
      else if (Array.isArray(m.content)) for (const p of m.content) if (p.type === 'text' && typeof p.text === 'string') n += this.tokenizer.count(p.text);
    }
    return n;
  }

  /** Attaches images to the last user message, as OpenAI content parts. */
  private withImages(messages: ChatMessage[], count: number, [width, height]: [number, number]): ChatMessage[] {
    const dir = this.user.imageDir;
    const pool = dir ? folderImages(dir) : undefined;
    if (!pool) {
      const problem = imageSizeProblem(width, height, count);
      if (problem !== undefined) throw new UserError(`${this.user.constructor.name}: images ${count} of imageSize ${JSON.stringify([width, height])}: ${problem}`, 'attach fewer or smaller images, e.g. imageSize: [1024, 1024]');
    }
    const variants = pool ? pool.length : imageVariants(width, height);
    const parts: ContentPart[] = [];
    for (let i = 0; i < count; i++) {
      const pick = Math.floor(this.ctx.random() * variants);
      parts.push({ type: 'image_url', image_url: { url: pool ? pool[pick]! : generatedImage(width, height, pick) } });
    }
    const last = messages.findLastIndex((m) => m.role === 'user');
    if (last < 0) return [...messages, { role: 'user', content: parts }];
    const m = messages[last]!;
    const text: ContentPart[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content ?? []);
    const copy = messages.slice();
    copy[last] = { ...m, content: [...text, ...parts] };
    return copy;
  }

  /**
   * Plain-HTTP servers get the socket transport (clients/wire/socket-pool.ts: what a
   * streamed token costs is most of a generator's CPU); https:// and
   * `--llm-transport undici` go through the worker's undici dispatcher.
   */
  private transportFor(origin: string): Transport {
    if (this.transport === undefined) {
      const sockets = this.ctx.sockets;
      const useSockets = sockets !== undefined && origin.startsWith('http:') && this.ctx.options.llmTransport !== 'undici';
      this.transport = useSockets ? sockets : undiciTransport(this.ctx.dispatcher);
    }
    return this.transport;
  }

  /** Waits out a Retry-After the server sent earlier, then sends. */
  private async send(
    endpoint: Endpoint,
    body: Record<string, unknown>,
    opts: { headers?: Record<string, string>; timeoutMs?: number; signal?: AbortSignal },
    stream: boolean,
    parseEvent: ((event: string | undefined, data: string, out: StreamDelta) => void) | undefined,
    parseBody: ((body: unknown, out: StreamDelta) => void) | undefined,
  ): Promise<ExchangeOutcome> {
    // A failed request makes the user's next one wait (clients/backoff.ts, docs/llm.md#backoff).
    const backoff = this.ctx.backoff;
    if (backoff !== undefined && backoff.pendingMs() > 0) return backoff.ready().then(() => this.send(endpoint, body, opts, stream, parseEvent, parseBody));
    const { origin, basePath, adapter } = this.target;
    if (!origin) {
      throw new UserError(`${this.user.constructor.name}: no host to send LLM requests to`, "set `host` on the user class or pass --host, e.g. 'http://127.0.0.1:8000'");
    }
    const wait = this.retryAfter.wait();
    if (wait !== undefined && !(await wait)) throw new StopUser('stopped while waiting out a Retry-After');
    const extra = this.user.extraBody;
    if (extra) Object.assign(body, extra);
    for (const key in opts) if (!OWN_OPTIONS.has(key)) body[key] = (opts as Record<string, unknown>)[key];
    const out = await runExchange(this.transportFor(origin), this.ctx.hardStop, {
      origin,
      method: 'POST',
      path: joinPath(basePath, endpoint.path),
      headers: opts.headers ? { ...adapter.headers, ...opts.headers } : adapter.headers,
      body: JSON.stringify(body),
      stream,
      timeoutMs: opts.timeoutMs ?? this.ctx.requestTimeoutMs,
      maxBodyBytes: this.maxBodyBytes,
      parseEvent,
      parseBody,
      signal: opts.signal,
    });
    if (out.retryAfterMs !== undefined) this.retryAfter.hold(out.retryAfterMs);
    // Whatever the server sent back may echo a credential: nothing of it reaches a file unredacted.
    const secrets = opts.headers ? [...this.secrets, ...headerSecrets(opts.headers)] : this.secrets;
    if (out.errorMessage !== undefined) out.errorMessage = redact(out.errorMessage, secrets);
    if (out.requestId !== undefined) out.requestId = redact(out.requestId, secrets);
    return out;
  }

  private finish(endpoint: Endpoint, out: ExchangeOutcome, messages: ChatMessage[], localInput: number, opts: LlmCallOptions): LlmResult {
    const name = opts.name ?? endpoint.name;
    // out.errorMessage was redacted where the exchange ended (send).
    this.noteOutcome(out);
    const result = finishGeneration(this.ctx.recorder, name, out, messages, localInput, this.tokenizer, this.slos, this.ctx.warnOnce);
    if (this.requestsLog) this.requestsLog.write(warmupMarked(generationRecord(name, out, result, this.ctx.options.trafficOverride), this.ctx.options));
    if (result.error !== undefined && opts.throwOnError) throw new LlmRequestError(result.error, result.errorKind!, result);
    return result;
  }

  private settleSimple<R extends { error?: string; errorKind?: LlmErrorKind }>(
    endpoint: Endpoint,
    out: ExchangeOutcome,
    result: R,
    inputTokens: number,
    opts: LlmCallOptions,
  ): R {
    const name = opts.name ?? endpoint.name;
    this.noteOutcome(out);
    if (out.errorKind !== undefined) {
      result.error = out.errorMessage ?? out.errorKind;
      result.errorKind = out.errorKind;
      recordFailure(this.ctx.recorder, name, out, result.error);
    } else recordSimple(this.ctx.recorder, name, out, inputTokens);
    if (this.requestsLog) this.requestsLog.write(warmupMarked(simpleRecord(name, out, result, inputTokens), this.ctx.options));
    if (result.error !== undefined && opts.throwOnError) throw new LlmRequestError(result.error, out.errorKind!, result as never);
    return result;
  }

  /** A failure (not a stop's abort) makes the user back off, a success resets it; one that could not connect is counted for the run guard. */
  private noteOutcome(out: ExchangeOutcome): void {
    const kind = out.errorKind;
    if (kind === undefined) this.ctx.backoff?.succeeded();
    else if (kind !== 'aborted') {
      this.ctx.backoff?.failed();
      if (kind === 'network' && isConnectError({ message: out.errorMessage })) this.ctx.recorder.add(CONNECT_ERRORS_COUNTER, 1);
    }
  }
}

type LlmCallOptions = { name?: string; throwOnError?: boolean };

/** A line of a warm-up stage (a sweep's --warmup, or the drain after its last stage) says so: the summary leaves those requests out. */
function warmupMarked(rec: RequestLogRecord, options: Record<string, unknown>): RequestLogRecord {
  if (options.warmupStage === true) rec.warmup = true;
  return rec;
}

/** The --requests-log line of a chat or completion request. */
function generationRecord(name: string, out: ExchangeOutcome, r: LlmResult, stage: unknown): RequestLogRecord {
  const rec: RequestLogRecord = { t: performance.timeOrigin + out.startMs, name, id: out.requestId, status: out.status, e2eMs: r.e2eMs };
  if (r.ttftMs !== undefined) rec.ttftMs = r.ttftMs;
  if (r.ttfctMs !== undefined) rec.ttfctMs = r.ttfctMs;
  const chunks = out.chunkTimes.length;
  if (chunks > 0) rec.lastTokenMs = out.chunkTimes[chunks - 1]! - out.startMs;
  if (r.tpotMs !== undefined) rec.tpotMs = r.tpotMs;
  rec.inputTokens = r.inputTokens;
  rec.outputTokens = r.outputTokens;
  rec.chunks = chunks;
  if (typeof stage === 'string' && stage !== '') rec.traffic = stage;
  if (r.errorKind !== undefined) {
    rec.errorKind = r.errorKind;
    rec.error = r.error;
  }
  return rec;
}

/** The --requests-log line of an embeddings or rerank request. */
function simpleRecord(name: string, out: ExchangeOutcome, r: { error?: string; errorKind?: LlmErrorKind }, inputTokens: number): RequestLogRecord {
  const rec: RequestLogRecord = { t: performance.timeOrigin + out.startMs, name, id: out.requestId, status: out.status, e2eMs: out.endMs - out.startMs };
  if (inputTokens > 0) rec.inputTokens = inputTokens;
  if (r.errorKind !== undefined) {
    rec.errorKind = r.errorKind;
    rec.error = r.error;
  }
  return rec;
}
