import type { ErrorShape } from '../errors.js';

/** What a text-generation request asks for, read from its body. */
export interface GenerationRequest {
  model: string;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`: send a final usage chunk. */
  includeUsage: boolean;
  /** Output length asked for; undefined means the server's default. */
  maxTokens?: number;
  /** Prompt length in cl100k_base tokens. */
  inputTokens: number;
  /** The prompt's text, as counted: the prefix cache reads its tokens (prefix-cache.ts). */
  prompt?: string;
  /** The answer is a call of this tool (see readToolCall). */
  toolCall?: string;
  /** The request asks for a JSON reply (response_format). */
  json?: boolean;
}

/** Fixed facts about one answer, known before its first byte. */
export interface AnswerContext {
  id: string;
  model: string;
  /** Unix seconds, as the `created` fields want. */
  created: number;
  inputTokens: number;
  /** Output tokens, reasoning included. */
  outputTokens: number;
  reasoningTokens: number;
  /** The answer (after any reasoning) is a call of this tool; its arguments are the content tokens. */
  toolCall?: { id: string; name: string };
  /** The answer stops because max_tokens was reached (else: a natural stop). */
  hitMaxTokens: boolean;
  /** Send the role-only opening at once, rather than with the first token. */
  roleChunk: boolean;
  includeUsage: boolean;
  /** Input tokens read from the prefix cache; undefined when the mock simulates none. */
  cachedTokens?: number;
}

/**
 * The wire frames of one streamed answer, in order: open, reasoning*,
 * content*, close — or error after the first token. Each returns the exact
 * bytes to write (several SSE events where the dialect needs them).
 */
export interface StreamFrames {
  /** Written as soon as the request is accepted; '' when nothing goes out before the first token. */
  open(): string;
  reasoning(text: string): string;
  /** Content text, or a tool call's argument text when ctx.toolCall is set (the first one opens the call). Already JSON-escaped. */
  content(text: string): string;
  /** After the last token: finish reason, usage and the end marker. */
  close(): string;
  /** An error event inside the 200 stream. */
  error(message: string): string;
  /** The frames are bytes held in latin1 strings (one char per byte): AWS's binary event stream. */
  readonly binary?: boolean;
}

/** One vendor's text-generation endpoint: how to read a request and write answers. */
export interface TextDialect {
  errorShape: ErrorShape;
  /** Prefix of the response ids, as the vendor's look (`chatcmpl-`, `msg_`). */
  idPrefix: string;
  /** False where the wire has no place for reasoning text (legacy completions). */
  supportsReasoning: boolean;
  /** Content type of a streamed answer; default text/event-stream. */
  streamContentType?: string;
  /** Reads the JSON body; returns a message saying what is wrong, for a 400. */
  parse(body: unknown): GenerationRequest | string;
  frames(ctx: AnswerContext): StreamFrames;
  /** The whole, non-streamed answer. */
  answer(ctx: AnswerContext, reasoning: string, content: string): unknown;
}

/** An SSE event with an `event:` line, as Anthropic and Cohere send them. */
/**
 * The opening events of a stream: sent at once when the server sends a role
 * chunk first, otherwise in front of the first token. Returns what to prepend
 * to the next frame (the opening once, then nothing).
 */
export function openingOnce(opening: string, sentUpFront: boolean): () => string {
  let pending = sentUpFront ? '' : opening;
  return () => {
    const out = pending;
    pending = '';
    return out;
  };
}

export function namedEvent(name: string, data: string): string {
  return `event: ${name}\ndata: ${data}\n\n`;
}

/** The text of a message `content`: a string, or an array of parts with `text`. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (typeof part === 'string') text += part;
    else if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') text += (part as { text: string }).text;
    // Anthropic's tool_result blocks hold their text in `content`.
    else if (part && typeof part === 'object' && (part as { content?: unknown }).content !== undefined) text += contentText((part as { content: unknown }).content);
  }
  return text;
}

/** The text of all messages, joined by newlines. */
export function messagesText(messages: readonly unknown[]): string {
  const parts: string[] = [];
  for (const message of messages) {
    if (message && typeof message === 'object') parts.push(contentText((message as { content?: unknown }).content));
  }
  return parts.join('\n');
}

type Body = Record<string, unknown>;

/** The body as an object, or a message for a 400. */
export function asObject(body: unknown): Body | string {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Body) : 'request body: expected a JSON object';
}

/**
 * The first of `fields` that is set, as a token count: an integer >= 1, or
 * undefined when none is set. Returns a message for a 400 when one is bad.
 */
export function readMaxTokens(body: Body, fields: readonly string[]): number | undefined | string {
  for (const field of fields) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      return `${field}: expected an integer >= 1, got ${JSON.stringify(value)}`;
    }
    return value;
  }
  return undefined;
}

/** `stream`, which must be a boolean when set. */
export function readStream(body: Body): boolean | string {
  const value = body.stream;
  if (value === undefined || value === null) return false;
  return typeof value === 'boolean' ? value : `stream: expected a boolean, got ${JSON.stringify(value)}`;
}

/** `model` when it is a string, else a stand-in name. */
export function readModel(body: Body, fallback = 'mock-llm'): string {
  return typeof body.model === 'string' && body.model !== '' ? body.model : fallback;
}

/** How a dialect tells that a message answers a tool call. */
export type ToolResultTest = (message: Record<string, unknown>) => boolean;

/**
 * Which tool the answer calls, if any: the named one when `tool_choice` names
 * one; the first tool when the choice is required (`required`, `any`,
 * `REQUIRED`); with `auto` or no choice, the first tool unless the last message
 * answers a tool call (then the mock replies with text, so an agent loop ends).
 * `none` never calls.
 */
export function readToolCall(body: Body, last: unknown, isToolResult: ToolResultTest): string | undefined {
  const tools = body.tools;
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  const names = tools.map((t) => {
    const tool = (t ?? {}) as Record<string, unknown>;
    const fn = (tool.function && typeof tool.function === 'object' ? tool.function : tool) as { name?: unknown };
    return typeof fn.name === 'string' ? fn.name : 'tool';
  });
  const choice = body.tool_choice;
  const c = (choice && typeof choice === 'object' ? choice : {}) as Record<string, unknown>;
  const type = typeof choice === 'string' ? choice.toLowerCase() : c.type;
  if (type === 'none') return undefined;
  const named = (c.function as { name?: unknown } | undefined)?.name ?? c.name;
  if (typeof named === 'string') return named;
  if (type === 'required' || type === 'any') return names[0];
  const lastMessage = (last ?? {}) as Record<string, unknown>;
  return isToolResult(lastMessage) ? undefined : names[0];
}

/** `response_format` (chat, Cohere) or `text.format` (Responses) asks for json_object or json_schema. */
export function asksForJson(format: unknown): boolean {
  const type = (format as { type?: unknown } | undefined)?.type;
  return type === 'json_object' || type === 'json_schema';
}

/** JSON-escaped text for a frame (structured text holds quotes; plain words need none). */
export function escapeJson(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
