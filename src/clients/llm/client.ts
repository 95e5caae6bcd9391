import {
  LLM_CLIENT,
  LlmRequestError,
  type ChatMessage,
  type ChatOptions,
  type CompletionOptions,
  type ContentPart,
  type Conversation,
  type ConversationOptions,
  type EmbeddingsOptions,
  type EmbeddingsResult,
  type LlmClient,
  type LlmErrorKind,
  type LlmResult,
  type LLMUser,
  type RerankOptions,
  type RerankResult,
  type ResponsesOptions,
} from '../../api/llm.js';
import { readToolChoice, readTools } from './tools.js';
import { redact, StopUser, UserError } from '../../errors.js';
import { loadDataset, recordText } from '../../workload/dataset.js';
import { folderImages, generatedImage, imageSizeProblem, imageVariants, prebuildImages } from '../../workload/images.js';
import { promptSource, type PromptSource } from '../../workload/prompt.js';
import { getTokenizer, type Tokenizer } from '../../workload/tokenizer.js';
import { traceRecordOf } from '../../api/trace.js';
import { traceInput } from './trace-input.js';
import { parseTrafficCached, sampleTraffic, type TrafficSpec } from '../../workload/traffic.js';
import { stderrWarnOnce, type ClientContext } from '../context.js';
import type { Endpoint, StreamDelta } from './adapter.js';
import { joinPath, resolveTarget, type ResolvedTarget } from './config.js';
import { undiciTransport, type Transport } from '../transport.js';
import { CONNECT_ERRORS_COUNTER, isConnectError } from '../backoff.js';
import { emptyOutcome, runExchange, type ExchangeOutcome, type ExchangeRequest } from './exchange.js';
import { finishGeneration, recordFailure, recordSimple } from './finish.js';
import { requestsLogFor, type RequestLogRecord, type RequestsLog } from './requests-log.js';
import { parseSlos, type Slo } from './slo.js';
import { applyLlmRunOptions } from './run-options.js';
import { headerSecrets } from './redaction.js';
import { maxBodyOf } from '../answer-limits.js';
import { RetryAfterGate, timerPause } from '../retry-after.js';
import { isLlmUser } from './is-llm-user.js';
import { MAX_TIMER_MS } from '../../util/long-timeout.js';
import { countImages, MEDIA_ENDPOINTS, recordMedia, SPEECH_HEAD_BYTES, speechAudio, transcriptionForm, wavSeconds, type RawBody } from './media.js';
import { MAX_AUDIO_SECONDS, wavClip } from '../../workload/audio.js';
import type { ImagesOptions, ImagesResult, SpeechOptions, SpeechResult, TranscriptionOptions, TranscriptionResult } from '../../api/media.js';
import { CONVERSATION_TURN, PlayedConversation, type ConversationHost } from './conversation.js';
import { conversationRunOptions, conversationScripts, hintConversations, type ConversationRunOptions } from './conversation-options.js';
import { prefixPool } from '../../workload/prefix-pool.js';

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

/** Turns of a conversation made from the traffic when neither --turns nor the call says. */
const DEFAULT_TURNS = 5;
/** Input text of image requests (I traffic), and their output length when nothing else sets it. */
const IMAGE_PROMPT_TOKENS = 50;
const IMAGE_OUTPUT_TOKENS = 100;
/** Embedding input length when neither the traffic (E) nor the call sets one. */
const DEFAULT_EMBEDDING_TOKENS = 512;
const DEFAULT_IMAGE_SIZE: [number, number] = [512, 512];
/** Rerank shape when neither the traffic (R) nor the call sets one. */
const DEFAULT_QUERY_TOKENS = 32;
const DEFAULT_DOCUMENT_TOKENS = 128;
const DEFAULT_RERANK_DOCUMENTS = 8;
/** Speech input when neither the traffic (A) nor the call sets one. */
const DEFAULT_SPEECH_CHARS = 200;
const DEFAULT_TRANSCRIPTION_SECONDS = 10;

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
  'batchSize',
  'queryTokens',
  'format',
  'audio',
  'fileName',
  'audioSeconds',
  'tools',
  'toolChoice',
  'tool_choice',
  'expectJson',
  'instructions',
  'maxOutputTokens',
  'reasoning',
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
  private readonly conversations: ConversationRunOptions;
  /** The conversation that plain chat() calls play with --conversations or --turns. */
  private playing?: Conversation;

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
    this.conversations = conversationRunOptions(ctx.options, user);
    hintConversations(this.runOption('dataset') ?? user.dataset, this.trafficText(), this.conversations, ctx.warnOnce ?? stderrWarnOnce);
  }

  async chat(opts: ChatOptions = {}): Promise<LlmResult> {
    // --conversations / --turns: a chat() that brings no messages is the next turn of the user's conversation.
    if (opts.messages === undefined && this.conversations.play) {
      const c = this.playing !== undefined && !this.playing.done ? this.playing : (this.playing = this.conversation());
      return c.next(opts);
    }
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

    const where = this.user.constructor.name;
    const tools = readTools(opts.tools, where);
    const toolChoice = readToolChoice(opts.toolChoice ?? opts.tool_choice, where);
    const input = { model, messages, stream, outputTokens, tools, toolChoice };
    // A provider whose path depends on the request (Bedrock, Vertex) builds it whole (providers.ts).
    const built = adapter.chatRequest ? adapter.chatRequest(input) : { endpoint: adapter.chat, body: adapter.chatBody(input), headers: undefined };
    const sendOpts = built.headers ? { ...opts, headers: { ...built.headers, ...opts.headers } } : opts;
    const expectJson = expectsJson(opts.expectJson, opts.response_format);
    const out = await this.sendWithRetries(built.endpoint, built.body, sendOpts, stream, adapter.parseChatEvent, adapter.parseChatResponse, (failed) =>
      this.finish(built.endpoint, failed, messages, localInput, noThrow(opts), expectJson),
    );
    return this.finish(built.endpoint, out, messages, localInput, opts, expectJson);
  }

  async responses(opts: ResponsesOptions = {}): Promise<LlmResult> {
    const { adapter } = this.target;
    if (!adapter.responses || !adapter.responsesBody || !adapter.parseResponsesEvent) throw this.unsupported('responses()');
    const model = this.model(opts);
    const stream = opts.stream ?? this.user.stream;
    const spec = parseTrafficCached(this.trafficText());
    let input: string | unknown[];
    let localInput: number;
    let outputTokens = opts.maxOutputTokens ?? undefined;
    if (opts.input !== undefined) {
      input = opts.input;
      localInput = typeof input === 'string' ? this.tokenizer.count(input) : this.countMessages(input as ChatMessage[]);
      if (opts.maxOutputTokens === undefined) outputTokens = this.trafficOutputTokens(spec);
    } else {
      const shaped = this.shape(spec, opts);
      input = shaped.messages ?? shaped.text;
      localInput = shaped.inputTokens;
      if (opts.maxOutputTokens === undefined) outputTokens = shaped.outputTokens;
    }
    if (opts.instructions !== undefined) localInput += this.tokenizer.count(opts.instructions);
    const where = this.user.constructor.name;
    const body = adapter.responsesBody({
      model,
      input,
      instructions: opts.instructions,
      stream,
      outputTokens,
      tools: readTools(opts.tools, where),
      toolChoice: readToolChoice(opts.toolChoice ?? opts.tool_choice, where),
      reasoning: opts.reasoning,
    });
    const out = await this.send(adapter.responses, body, opts, stream, adapter.parseResponsesEvent, adapter.parseResponsesResponse);
    const messages: ChatMessage[] = typeof input === 'string' ? [{ role: 'user', content: input }] : (input as ChatMessage[]);
    const format = (opts.text as { format?: unknown } | undefined)?.format;
    return this.finish(adapter.responses, out, messages, localInput, opts, expectsJson(opts.expectJson, format));
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
    const asked: ChatMessage[] = [{ role: 'user', content: prompt }];
    const out = await this.sendWithRetries(adapter.completions, body, opts, stream, parseEvent, adapter.parseCompletionResponse, (failed) => this.finish(adapter.completions!, failed, asked, localInput, noThrow(opts)));
    return this.finish(adapter.completions, out, asked, localInput, opts);
  }

  async embeddings(opts: EmbeddingsOptions = {}): Promise<EmbeddingsResult> {
    const { adapter } = this.target;
    if (!adapter.embeddings || !adapter.embeddingsBody) throw this.unsupported('embeddings()');
    const model = this.model(opts);
    let texts: string[] = [];
    let localInput = 0;
    let body: Record<string, unknown>;
    const spec = parseTrafficCached(this.trafficText());
    const images = opts.images ?? 0;
    if (images > 0) {
      if (!adapter.imageEmbeddingsBody) throw this.unsupported('embeddings({ images })');
      const size: [number, number] = spec.kind === 'image' ? [spec.width, spec.height] : DEFAULT_IMAGE_SIZE;
      body = adapter.imageEmbeddingsBody(model, this.imageUrls(images, size));
    } else {
      if (opts.input !== undefined) {
        texts = typeof opts.input === 'string' ? [opts.input] : opts.input;
        for (const t of texts) localInput += this.tokenizer.count(t);
      } else {
        const n = opts.inputTokens ?? (spec.kind === 'embedding' ? spec.inputTokens : DEFAULT_EMBEDDING_TOKENS);
        const batch = opts.batchSize ?? this.batchSize() ?? 1;
        for (let i = 0; i < batch; i++) {
          const built = this.prompts.build(n, this.ctx.random);
          texts.push(built.text);
          localInput += built.tokens;
        }
      }
      body = adapter.embeddingsBody(model, texts);
    }
    const out = await this.sendWithRetries(adapter.embeddings, body, opts, false, undefined, undefined, (failed) => this.settleSimple(adapter.embeddings!, failed, { inputTokens: 0 } as EmbeddingsResult, localInput, noThrow(opts)));
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
    const spec = parseTrafficCached(this.trafficText());
    const r = spec.kind === 'rerank' ? spec : undefined;
    let localInput = 0;
    const piece = (tokens: number): string => {
      const built = this.prompts.build(tokens, this.ctx.random);
      localInput += built.tokens;
      return built.text;
    };
    const query = opts.query ?? piece(opts.queryTokens ?? r?.queryTokens ?? DEFAULT_QUERY_TOKENS);
    if (opts.query !== undefined) localInput += this.tokenizer.count(opts.query);
    const count = opts.documentCount ?? this.batchSize() ?? DEFAULT_RERANK_DOCUMENTS;
    const documents = opts.documents ?? Array.from({ length: count }, () => piece(opts.documentTokens ?? r?.documentTokens ?? DEFAULT_DOCUMENT_TOKENS));
    if (opts.documents !== undefined) for (const d of opts.documents) localInput += this.tokenizer.count(d);
    const out = await this.sendWithRetries(adapter.rerank, adapter.rerankBody(model, query, documents, opts.topN), opts, false, undefined, undefined, (failed) =>
      this.settleSimple(adapter.rerank!, failed, { results: [] } as unknown as RerankResult, localInput, noThrow(opts)),
    );
    const result: RerankResult = { results: [], e2eMs: out.endMs - out.startMs, status: out.status };
    if (out.errorKind === undefined) {
      try {
        const j = JSON.parse(out.bodyText ?? '') as { results?: Array<{ index: number; relevance_score: number }> };
        result.results = (j.results ?? []).map((x) => ({ index: x.index, relevanceScore: x.relevance_score }));
      } catch (err) {
        out.errorKind = 'malformed';
        out.errorMessage = `malformed answer (${(err as Error).message})`;
      }
    }
    // Input tokens: the query and every document, as counted here (rerank answers carry no token usage).
    return this.settleSimple(adapter.rerank, out, result, localInput, opts);
  }

  async images(opts: ImagesOptions = {}): Promise<ImagesResult> {
    const endpoint = this.mediaEndpoint('images');
    const spec = parseTrafficCached(this.trafficText());
    let prompt = opts.prompt;
    let localInput: number;
    if (prompt === undefined) {
      const tokens = spec.kind === 'deterministic' || spec.kind === 'normal' || spec.kind === 'uniform' ? sampleTraffic(spec, this.ctx.random).inputTokens : IMAGE_PROMPT_TOKENS;
      const built = this.prompts.build(tokens, this.ctx.random);
      prompt = built.text;
      localInput = built.tokens;
    } else localInput = this.tokenizer.count(prompt);
    const n = opts.n ?? 1;
    const size = opts.size ?? (spec.kind === 'image' ? `${spec.width}x${spec.height}` : undefined);
    const body: Record<string, unknown> = { model: this.model(opts), prompt, n };
    if (size !== undefined) body.size = size;
    const out = await this.send(endpoint, body, opts, false, undefined, undefined);
    const bodyText = out.bodyText ?? '';
    const images = out.errorKind === undefined ? countImages(bodyText) : 0;
    if (images === undefined) {
      out.errorKind = 'malformed';
      out.errorMessage = 'malformed answer: no `data` list of images';
    }
    let parsed: unknown;
    const result: ImagesResult = { images: images ?? 0, inputTokens: localInput, e2eMs: out.endMs - out.startMs, status: out.status, json: <T>() => (parsed ??= JSON.parse(bodyText)) as T };
    return this.settleMedia(endpoint, out, result, opts, { inputTokens: localInput, images: result.images });
  }

  async speech(opts: SpeechOptions = {}): Promise<SpeechResult> {
    const endpoint = this.mediaEndpoint('speech');
    const spec = parseTrafficCached(this.trafficText());
    const input = opts.input ?? this.prompts.chars(spec.kind === 'speech' ? spec.chars : DEFAULT_SPEECH_CHARS, this.ctx.random);
    const format = opts.format ?? 'wav';
    const body: Record<string, unknown> = { model: this.model(opts), input, voice: opts.voice ?? 'alloy', response_format: format };
    const out = await this.send(endpoint, body, opts, false, undefined, undefined, SPEECH_HEAD_BYTES);
    const audio = speechAudio(format, out);
    const result: SpeechResult = {
      inputChars: input.length,
      ttftMs: out.firstTokenMs === undefined ? undefined : out.firstTokenMs - out.startMs,
      e2eMs: out.endMs - out.startMs,
      audioBytes: audio.bytes,
      audioSeconds: audio.seconds,
      status: out.status,
    };
    return this.settleMedia(endpoint, out, result, opts, { inputChars: input.length, audioSeconds: audio.seconds, ttft: true });
  }

  async transcriptions(opts: TranscriptionOptions = {}): Promise<TranscriptionResult> {
    const endpoint = this.mediaEndpoint('transcriptions');
    const seconds = opts.audioSeconds ?? DEFAULT_TRANSCRIPTION_SECONDS;
    if (opts.audio === undefined && !(seconds > 0 && seconds <= MAX_AUDIO_SECONDS)) {
      throw new UserError(`${this.user.constructor.name}: transcriptions({ audioSeconds: ${seconds} }): expected seconds above 0 and at most ${MAX_AUDIO_SECONDS}`);
    }
    const audio = opts.audio ?? wavClip(seconds);
    const fields: Record<string, unknown> = { model: this.model(opts), response_format: 'json' };
    if (opts.language !== undefined) fields.language = opts.language;
    for (const key in opts) if (!OWN_OPTIONS.has(key) && key !== 'language' && key !== 'voice') fields[key] = (opts as Record<string, unknown>)[key];
    const form = await transcriptionForm(audio, opts.fileName ?? 'audio.wav', fields);
    const out = await this.send(endpoint, form, opts, false, undefined, undefined);
    const audioSeconds = opts.audio === undefined ? seconds : wavSeconds(opts.audio);
    let text = '';
    let serverOutput: number | undefined;
    if (out.errorKind === undefined) {
      try {
        const j = JSON.parse(out.bodyText ?? '') as { text?: unknown; usage?: { output_tokens?: unknown } };
        if (typeof j.text !== 'string') throw new Error('no `text`');
        text = j.text;
        if (typeof j.usage?.output_tokens === 'number') serverOutput = j.usage.output_tokens;
      } catch (err) {
        out.errorKind = 'malformed';
        out.errorMessage = `malformed answer (${(err as Error).message})`;
      }
    }
    const outputTokens = serverOutput ?? this.tokenizer.count(text);
    const result: TranscriptionResult = { text, audioSeconds, outputTokens, e2eMs: out.endMs - out.startMs, status: out.status };
    return this.settleMedia(endpoint, out, result, opts, { outputTokens, audioSeconds });
  }

  conversation(options: ConversationOptions = {}): Conversation {
    const run = this.conversations;
    const source = options.source ?? (run.fromDataset ? 'dataset' : 'traffic');
    const limit = options.turns ?? run.turns;
    let plan: ConstructorParameters<typeof PlayedConversation>[1];
    if (source === 'dataset') {
      const scripts = conversationScripts(this.runOption('dataset') ?? this.user.dataset);
      const script = scripts[Math.floor(this.ctx.random() * scripts.length)]!;
      plan = { script, turns: Math.min(script.turns.length, limit ?? Infinity) };
    } else plan = { turns: limit ?? DEFAULT_TURNS };
    // A dataset conversation starts with the run's salt; one made from the traffic is new text (its shared prefix, if any, is salted).
    return new PlayedConversation(this.conversationHost, plan, options.thinkMs ?? run.thinkMs, options.system, plan.script ? run.salt : undefined);
  }

  /** Made on first use (not as a field initializer, which would run before the constructor's parameters are set). */
  private get conversationHost(): ConversationHost {
    return (this.hostCache ??= {
      chat: (o) => this.chat(o),
      recorder: this.ctx.recorder,
      pause: this.ctx.pause ?? timerPause(this.ctx.hardStop),
      trafficTurn: (turn) => {
        // The first turn may start with a shared prefix (--prefix-len); later ones are new text only.
        const shaped = this.shape(parseTrafficCached(this.trafficText()), turn === 1 ? {} : { prefixLen: 0 });
        return { content: shaped.text, outputTokens: shaped.outputTokens };
      },
      replyTokens: (reply) =>
        reply !== undefined && reply !== '' ? Math.max(1, this.tokenizer.count(reply)) : this.trafficOutputTokens(parseTrafficCached(this.trafficText())),
    });
  }
  private hostCache?: ConversationHost;

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
    const prefixLen = opts.prefixLen ?? this.runOption('prefixLen') ?? this.user.prefixLen;
    // A shared prefix (one of --prefix-pool, salted per run: prefix-pool.ts) when asked for one.
    const built = prefixLen > 0 ? prefixPool(prompts, this.conversations.prefixPool, prefixLen, this.conversations.salt).build(inputTokens, random) : prompts.build(inputTokens, random);
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

  /** Data URLs of `count` images: files from the user's imageDir, or generated PNGs of the size. */
  private imageUrls(count: number, [width, height]: [number, number]): string[] {
    const dir = this.user.imageDir;
    const pool = dir ? folderImages(dir) : undefined;
    if (!pool) {
      const problem = imageSizeProblem(width, height, count);
      if (problem !== undefined) throw new UserError(`${this.user.constructor.name}: images ${count} of imageSize ${JSON.stringify([width, height])}: ${problem}`, 'attach fewer or smaller images, e.g. imageSize: [1024, 1024]');
    }
    const variants = pool ? pool.length : imageVariants(width, height);
    const urls: string[] = [];
    for (let i = 0; i < count; i++) {
      const pick = Math.floor(this.ctx.random() * variants);
      urls.push(pool ? pool[pick]! : generatedImage(width, height, pick));
    }
    return urls;
  }

  /** Attaches images to the last user message, as OpenAI content parts. */
  private withImages(messages: ChatMessage[], count: number, size: [number, number]): ChatMessage[] {
    const parts: ContentPart[] = this.imageUrls(count, size).map((url) => ({ type: 'image_url', image_url: { url } }));
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

  /**
   * send(), and with --retries N up to N more times after a failure that may
   * pass (429, 5xx, network, timeout). Each failed attempt is settled by
   * `recordFailed` as the failure it is (counted, logged), never hidden by a
   * later success; each retry is counted in `llm.retries` and
   * `llm.retries.<name>`. The wait before a retry is the server's Retry-After,
   * else 0.5 s, 1 s, 2 s, … (at most 20 s). docs/providers.md#retries
   */
  private async sendWithRetries(
    endpoint: Endpoint,
    body: Record<string, unknown> | RawBody,
    opts: { name?: string; headers?: Record<string, string>; timeoutMs?: number; signal?: AbortSignal },
    stream: boolean,
    parseEvent: ((event: string | undefined, data: string, out: StreamDelta) => void) | undefined,
    parseBody: ((body: unknown, out: StreamDelta) => void) | undefined,
    recordFailed: (out: ExchangeOutcome) => void,
  ): Promise<ExchangeOutcome> {
    const retries = typeof this.ctx.options.retries === 'number' ? this.ctx.options.retries : 0;
    for (let attempt = 0; ; attempt++) {
      const out = await this.send(endpoint, body, opts, stream, parseEvent, parseBody);
      if (attempt >= retries || !isRetryable(out.errorKind) || this.ctx.hardStop.aborted || opts.signal?.aborted) return out;
      recordFailed(out);
      const name = opts.name ?? endpoint.name;
      this.ctx.recorder.add(RETRIES_COUNTER, 1);
      this.ctx.recorder.add(`${RETRIES_COUNTER}.${name}`, 1);
      // send() already holds a Retry-After the server gave; without one, back off exponentially.
      if (out.retryAfterMs === undefined) this.retryAfter.hold(Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt));
    }
  }

  /** Waits out a Retry-After the server sent earlier, then sends. */
  private async send(
    endpoint: Endpoint,
    body: Record<string, unknown> | RawBody,
    opts: { headers?: Record<string, string>; timeoutMs?: number; signal?: AbortSignal },
    stream: boolean,
    parseEvent: ((event: string | undefined, data: string, out: StreamDelta) => void) | undefined,
    parseBody: ((body: unknown, out: StreamDelta) => void) | undefined,
    binaryHead?: number,
  ): Promise<ExchangeOutcome> {
    // A failed request makes the user's next one wait (clients/backoff.ts, docs/llm.md#backoff).
    const backoff = this.ctx.backoff;
    if (backoff !== undefined && backoff.pendingMs() > 0) return backoff.ready().then(() => this.send(endpoint, body, opts, stream, parseEvent, parseBody, binaryHead));
    const { origin, basePath, adapter } = this.target;
    if (!origin) {
      throw new UserError(`${this.user.constructor.name}: no host to send LLM requests to`, "set `host` on the user class or pass --host, e.g. 'http://127.0.0.1:8000'");
    }
    const wait = this.retryAfter.wait();
    if (wait !== undefined && !(await wait)) throw new StopUser('stopped while waiting out a Retry-After');
    const raw = isRawBody(body) ? body : undefined;
    if (raw === undefined) {
      const extra = this.user.extraBody;
      if (extra) Object.assign(body, extra);
      const fields = body as Record<string, unknown>;
      for (const key in opts) if (!OWN_OPTIONS.has(key)) fields[key] = (opts as Record<string, unknown>)[key];
    }
    const path = joinPath(basePath, endpoint.path);
    let headers = opts.headers ? { ...adapter.headers, ...opts.headers } : adapter.headers;
    if (raw !== undefined) headers = { ...headers, 'content-type': raw.contentType };
    const bodyText = raw === undefined ? JSON.stringify(body) : undefined;
    let signedSecrets: string[] | undefined;
    if (adapter.sign && bodyText !== undefined) {
      // A signature (SigV4, OCI) or a token refreshed when it expires, made for these exact bytes.
      const signed = await this.signRequest(origin + path, headers, bodyText, opts.timeoutMs ?? this.ctx.requestTimeoutMs, opts.signal);
      if ('failed' in signed) return signed.failed;
      headers = { ...headers, ...signed.headers };
      signedSecrets = headerSecrets(signed.headers);
    }
    const binaryStream = adapter.streamFormat === 'aws-eventstream' ? await awsBinaryStream() : undefined;
    const out = await runExchange(this.transportFor(origin), this.ctx.hardStop, {
      origin,
      method: 'POST',
      path,
      headers,
      body: raw !== undefined ? raw.bytes : bodyText!,
      binaryStream,
      binaryHead,
      stream,
      timeoutMs: opts.timeoutMs ?? this.ctx.requestTimeoutMs,
      maxBodyBytes: this.maxBodyBytes,
      parseEvent,
      parseBody,
      signal: opts.signal,
    });
    if (out.retryAfterMs !== undefined) this.retryAfter.hold(out.retryAfterMs);
    // Whatever the server sent back may echo a credential: nothing of it reaches a file unredacted.
    let secrets = opts.headers ? [...this.secrets, ...headerSecrets(opts.headers)] : this.secrets;
    if (signedSecrets) secrets = [...secrets, ...signedSecrets];
    if (out.errorMessage !== undefined) out.errorMessage = redact(out.errorMessage, secrets);
    if (out.requestId !== undefined) out.requestId = redact(out.requestId, secrets);
    return out;
  }

  /** The provider's per-request headers; a failure to sign or to get a token fails the request as `auth` (the run guard stops a run where every request does). */
  /**
   * The provider's per-request headers; a failure to sign or to get a token fails the request as `auth` (the run guard stops a run where every request does).
   * Bounded like the request itself: a token endpoint that never answers fails it as `timeout` within the request's deadline,
   * and the stop ends the wait (`aborted`), so no user hangs before its exchange starts.
   */
  private async signRequest(
    url: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<{ headers: Record<string, string> } | { failed: ExchangeOutcome }> {
    const startMs = performance.now();
    const fail = (kind: LlmErrorKind, message: string) => {
      const failed = emptyOutcome();
      failed.startMs = startMs;
      failed.endMs = performance.now();
      failed.errorKind = kind;
      failed.errorMessage = redact(message, this.secrets);
      return { failed };
    };
    const stops = [this.ctx.hardStop, ...(signal ? [signal] : [])];
    let timer: NodeJS.Timeout | undefined;
    let onStop: (() => void) | undefined;
    const bound = new Promise<'timeout' | 'aborted'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.min(timeoutMs, MAX_TIMER_MS));
      onStop = () => resolve('aborted');
      for (const s of stops) s.addEventListener('abort', onStop, { once: true });
      if (stops.some((s) => s.aborted)) resolve('aborted');
    });
    try {
      const signed = await Promise.race([this.target.adapter.sign!({ method: 'POST', url, headers, body }), bound]);
      if (signed === 'timeout') return fail('timeout', `timeout: no credentials from the provider's auth within ${timeoutMs} ms (is its token endpoint answering?)`);
      if (signed === 'aborted') return fail('aborted', 'aborted: the run stopped');
      return { headers: signed };
    } catch (err) {
      return fail('auth', `auth: ${(err as Error).message ?? String(err)}`);
    } finally {
      clearTimeout(timer);
      for (const s of stops) s.removeEventListener('abort', onStop!);
    }
  }

  private finish(endpoint: Endpoint, out: ExchangeOutcome, messages: ChatMessage[], localInput: number, opts: LlmCallOptions, expectJson = false): LlmResult {
    const name = opts.name ?? endpoint.name;
    // out.errorMessage was redacted where the exchange ended (send).
    this.noteOutcome(out);
    const result = finishGeneration(this.scope(name), name, out, messages, localInput, this.tokenizer, this.slos, this.ctx.warnOnce, expectJson);
    if (this.requestsLog) this.requestsLog.write(warmupMarked(withTurn(generationRecord(name, out, result, this.ctx.options.trafficOverride), result, opts), this.ctx.options));
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
      recordFailure(this.scope(name), name, out, result.error);
    } else recordSimple(this.scope(name), name, out, inputTokens);
    if (this.requestsLog) this.requestsLog.write(warmupMarked(simpleRecord(name, out, result, inputTokens), this.ctx.options));
    if (result.error !== undefined && opts.throwOnError) throw new LlmRequestError(result.error, out.errorKind!, result as never);
    return result;
  }

  private settleMedia<R extends { error?: string; errorKind?: LlmErrorKind }>(
    endpoint: Endpoint,
    out: ExchangeOutcome,
    result: R,
    opts: LlmCallOptions,
    figures: Parameters<typeof recordMedia>[3],
  ): R {
    const name = opts.name ?? endpoint.name;
    this.noteOutcome(out);
    const failed = recordMedia(this.scope(name), name, out, figures);
    if (failed) Object.assign(result, failed);
    if (this.requestsLog) this.requestsLog.write(warmupMarked(simpleRecord(name, out, result, figures.inputTokens ?? 0), this.ctx.options));
    if (result.error !== undefined && opts.throwOnError) throw new LlmRequestError(result.error, result.errorKind!, result as never);
    return result;
  }

  /** Media endpoints are OpenAI's (and every server that copies them). */
  private mediaEndpoint(kind: keyof typeof MEDIA_ENDPOINTS): Endpoint {
    if (this.target.adapter.provider !== 'openai') throw this.unsupported(`${kind}()`);
    return MEDIA_ENDPOINTS[kind];
  }

  /** Texts per embeddings request, documents per rerank: the sweep's stage (--batch-size 1,8,32), else a single --batch-size. */
  private batchSize(): number | undefined {
    const { batchSizeOverride, batchSize } = this.ctx.options;
    if (typeof batchSizeOverride === 'number') return batchSizeOverride;
    if (typeof batchSize === 'number') return batchSize;
    if (Array.isArray(batchSize) && batchSize.length === 1 && typeof batchSize[0] === 'number') return batchSize[0];
    return undefined;
  }

  /** Where one request's figures go: the run totals, its name's and its user class's (metrics/llm-groups.ts). */
  private scope(name: string) {
    return this.ctx.recorder.llmScope(name, this.user.constructor.name);
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

function isRawBody(body: Record<string, unknown> | RawBody): body is RawBody {
  return Buffer.isBuffer(body.bytes) && typeof body.contentType === 'string';
}

/**
 * Whether a reply must parse as JSON: `expectJson` when the call sets it, else
 * when the request asks for JSON output (chat's `response_format`, the
 * Responses API's `text.format`: `json_object` or `json_schema`).
 */
function expectsJson(expectJson: unknown, format: unknown): boolean {
  if (typeof expectJson === 'boolean') return expectJson;
  const type = (format as { type?: unknown } | undefined)?.type;
  return type === 'json_object' || type === 'json_schema';
}

/** An attempt that is followed by a retry is recorded, not thrown. */
function noThrow<T extends LlmCallOptions>(opts: T): T {
  return opts.throwOnError ? { ...opts, throwOnError: false } : opts;
}

export const RETRIES_COUNTER = 'llm.retries';
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 20_000;

/** Failures a retry may get past: the server was busy or the connection failed. Auth, 4xx and malformed answers would fail the same way again. */
function isRetryable(kind: LlmErrorKind | undefined): boolean {
  return kind === 'http_429' || kind === 'http_5xx' || kind === 'network' || kind === 'timeout';
}

let awsDecoder: Promise<ExchangeRequest['binaryStream']> | undefined;
/** Bedrock's binary stream decoder, loaded on first use: other providers never load the AWS codec. */
function awsBinaryStream(): Promise<ExchangeRequest['binaryStream']> {
  return (awsDecoder ??= import('./aws-eventstream.js').then((m) => ({ contentType: m.AWS_EVENTSTREAM_CONTENT_TYPE, decoder: (onEvent) => new m.AwsEventStreamDecoder(onEvent) })));
}

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

/** A conversation turn's line says which turn it was; any line, the cached tokens the server reported. */
function withTurn(rec: RequestLogRecord, r: LlmResult, opts: LlmCallOptions): RequestLogRecord {
  const turn = (opts as Record<symbol, unknown>)[CONVERSATION_TURN];
  if (typeof turn === 'number') rec.turn = turn;
  if (r.cachedTokens !== undefined) rec.cachedTokens = r.cachedTokens;
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
