import type { ChatMessage, LlmProvider } from '../../api/llm.js';
import type { FunctionTool, ToolChoice } from './tools.js';
import type { SignableRequest } from '../../api/providers.js';

/** Token counts as a server reports them; a field is undefined when the server did not say. */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  reasoningTokens?: number;
  /** Input tokens the server read from its prefix cache (OpenAI `prompt_tokens_details.cached_tokens`, Anthropic `cache_read_input_tokens`). */
  cachedTokens?: number;
}

/**
 * A piece of one tool call in a stream event, or a whole call in a
 * non-streamed answer: `index` tells calls apart, `id` and `name` come with
 * the call's first piece, `arguments` is the JSON text this piece adds.
 */
export interface ToolCallDelta {
  index: number;
  id?: string;
  name?: string;
  arguments: string;
}

/**
 * What one stream event (or a whole non-streamed answer) carried. One object is
 * reused for every event of a client: adapters fill it, the exchange reads it.
 */
export class StreamDelta {
  content = '';
  reasoning = '';
  /** Tool calls opened or continued by this event (empty for most events). */
  toolCalls: ToolCallDelta[] = [];
  usage: Usage | undefined = undefined;
  error: string | undefined = undefined;
  finishReason: string | undefined = undefined;
  /** The provider's end-of-stream marker ([DONE], message_stop, message-end). */
  done = false;

  clear(): void {
    this.content = '';
    this.reasoning = '';
    if (this.toolCalls.length > 0) this.toolCalls = [];
    this.usage = undefined;
    this.error = undefined;
    this.finishReason = undefined;
    this.done = false;
  }
}

/** The text-generation request, before the provider's body shape. */
export interface GenerationInput {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  /** Output length asked for; undefined lets the server decide (providers that require it get a default). */
  outputTokens: number | undefined;
  /** Function tools the model may call, in OpenAI's chat shape (tools.ts maps them per provider). */
  tools?: FunctionTool[];
  toolChoice?: ToolChoice;
}

/** A Responses API request, before its body shape. */
export interface ResponsesInput {
  model: string;
  /** A string, or the Responses API's input items. */
  input: unknown;
  instructions?: string;
  stream: boolean;
  outputTokens: number | undefined;
  tools?: FunctionTool[];
  toolChoice?: ToolChoice;
  reasoning?: unknown;
}

/** Where and how to reach one provider: computed once per client. */
export interface ProviderConfig {
  model: string;
  apiKey: string | undefined;
  /** Azure only. */
  deployment?: string;
  apiVersion?: string;
  /** The user's providerOptions (Azure: `azureAd`). */
  options?: Readonly<Record<string, unknown>>;
  /** Send min_tokens and ignore_eos (OpenAI-compatible servers). */
  ignoreEos: boolean;
}

/** One API path: what to request, and the name it is recorded under (the path without its query). */
export interface Endpoint {
  path: string;
  name: string;
}

/**
 * One provider's dialect. Parsers throw (SyntaxError) on a malformed event; the
 * exchange turns that into a `malformed` failure.
 */
export interface ProviderAdapter {
  readonly provider: LlmProvider;
  /** Auth and content headers, the same on every request. */
  readonly headers: Record<string, string>;
  readonly chat: Endpoint;
  chatBody(input: GenerationInput): Record<string, unknown>;
  parseChatEvent(event: string | undefined, data: string, out: StreamDelta): void;
  parseChatResponse(body: unknown, out: StreamDelta): void;
  /** OpenAI's Responses API; undefined where the provider has none. */
  readonly responses?: Endpoint;
  responsesBody?(input: ResponsesInput): Record<string, unknown>;
  parseResponsesEvent?(event: string | undefined, data: string, out: StreamDelta): void;
  parseResponsesResponse?(body: unknown, out: StreamDelta): void;
  /** Legacy text completions; undefined where the provider has none. */
  readonly completions?: Endpoint;
  completionsBody?(input: { model: string; prompt: string; stream: boolean; outputTokens: number | undefined }): Record<string, unknown>;
  parseCompletionEvent?(data: string, out: StreamDelta): void;
  parseCompletionResponse?(body: unknown, out: StreamDelta): void;
  readonly embeddings?: Endpoint;
  embeddingsBody?(model: string, texts: string[]): Record<string, unknown>;
  /** Input tokens the server reports in an embeddings answer, found without parsing the vectors. */
  embeddingsInputTokens?(bodyText: string): number | undefined;
  /** Embeddings of images (data URLs), sent to the embeddings endpoint. */
  imageEmbeddingsBody?(model: string, imageUrls: string[]): Record<string, unknown>;
  readonly rerank?: Endpoint;
  rerankBody?(model: string, query: string, documents: string[], topN: number | undefined): Record<string, unknown>;
  /** The chat request when its path depends on the request (Bedrock, Vertex: streamed or not); used instead of `chat` and `chatBody`. */
  chatRequest?(input: GenerationInput): { endpoint: Endpoint; body: Record<string, unknown>; headers?: Record<string, string> };
  /** Headers made for each request (a signature, a token refreshed when it expires): see ProviderAuth in api/providers.ts. */
  sign?(request: SignableRequest): Record<string, string> | Promise<Record<string, string>>;
  /** Stream framing; default 'sse'. */
  readonly streamFormat?: 'sse' | 'aws-eventstream';
}

/**
 * Hot path: most stream chunks are `…"<marker><text>"}…` with nothing else in
 * the delta. This reads the text after `marker` without a JSON.parse of the
 * whole chunk, and returns undefined (the caller then parses normally) whenever
 * the shape is not exactly that. It is sound because a JSON string never holds
 * a raw `"`: a marker that matches is real JSON structure, never string content.
 * Markers are given without their leading `"` (checked separately): searching
 * for a pattern that starts with `"`, the commonest character of JSON, is ~5×
 * slower in V8.
 */
export function scanString(data: string, marker: string): string | undefined {
  const at = data.indexOf(marker);
  if (at <= 0 || data.charCodeAt(at - 1) !== 34 /* " */) return undefined;
  const start = at + marker.length;
  const quote = data.indexOf('"', start);
  if (quote < 0) return undefined;
  const backslash = data.indexOf('\\', start);
  if (backslash < 0 || backslash > quote) {
    // The delta must end right after the text, or it holds more (reasoning, tool calls): parse it all.
    return data.charCodeAt(quote + 1) === 125 /* } */ ? data.slice(start, quote) : undefined;
  }
  // Escapes: find the real end, and let JSON.parse decode just this string literal.
  let i = start;
  const n = data.length;
  while (i < n) {
    const c = data.charCodeAt(i);
    if (c === 92 /* \ */) i += 2;
    else if (c === 34 /* " */) break;
    else i++;
  }
  if (i >= n || data.charCodeAt(i + 1) !== 125) return undefined;
  return JSON.parse(data.slice(start - 1, i + 1)) as string;
}

/**
 * The needle hasNonNullKey searches for a key: `name":` without the leading
 * quote (see scanString on why). Made once, not per chunk.
 */
export function keyNeedle(name: string): string {
  return name + '":';
}

/**
 * True when the key whose keyNeedle is `needle` appears with a value other
 * than null: such a chunk needs a full parse.
 */
export function hasNonNullKey(data: string, needle: string): boolean {
  let at = data.indexOf(needle);
  while (at >= 0) {
    const value = at + needle.length;
    if (
      data.charCodeAt(at - 1) === 34 &&
      !(data.charCodeAt(value) === 110 && data.charCodeAt(value + 1) === 117 && data.charCodeAt(value + 2) === 108 && data.charCodeAt(value + 3) === 108) // null
    ) {
      return true;
    }
    at = data.indexOf(needle, value);
  }
  return false;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A readable message out of the many error shapes servers use. */
export function errorMessage(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.message === 'string') return typeof v.type === 'string' ? `${v.type}: ${v.message}` : v.message;
    if (v.error !== undefined) return errorMessage(v.error);
    if (typeof v.detail === 'string') return v.detail;
  }
  return JSON.stringify(value);
}

/**
 * The fast path shared by the dialects whose deltas carry text or thinking under
 * fixed markers: sets `out.content` or `out.reasoning` and returns true when
 * either marker was found, so the caller can skip JSON.parse.
 */
export function scanTextOrThinking(data: string, textMarker: string, thinkingMarker: string, out: StreamDelta): boolean {
  const text = scanString(data, textMarker);
  if (text !== undefined) {
    out.content = text;
    return true;
  }
  const thinking = scanString(data, thinkingMarker);
  if (thinking === undefined) return false;
  out.reasoning = thinking;
  return true;
}
