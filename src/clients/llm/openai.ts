import {
  errorMessage,
  hasNonNullKey,
  keyNeedle,
  num,
  scanString,
  scanTextOrThinking,
  str,
  type GenerationInput,
  type ProviderAdapter,
  type ProviderConfig,
  type StreamDelta,
  type ToolCallDelta,
  type Usage,
} from './adapter.js';
import { openaiToolChoice, openaiTools } from './tools.js';
import { parseResponsesEvent, parseResponsesResponse, responsesBody } from './responses.js';

/**
 * OpenAI's chat completions, and every server that copies it (vLLM, SGLang,
 * TGI, llama.cpp, Ollama). Reasoning arrives as `reasoning_content` (vLLM,
 * DeepSeek, SGLang) or `reasoning` (newer vLLM, Ollama).
 */
export function openaiAdapter(cfg: ProviderConfig): ProviderAdapter {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream, application/json' };
  if (cfg.apiKey) headers.authorization = `Bearer ${cfg.apiKey}`;
  return {
    provider: 'openai',
    headers,
    chat: { path: '/v1/chat/completions', name: '/v1/chat/completions' },
    chatBody: (input) => openaiChatBody(input, cfg.ignoreEos),
    parseChatEvent: (_event, data, out) => parseOpenAiChatEvent(data, out),
    parseChatResponse: parseOpenAiChatResponse,
    responses: { path: '/v1/responses', name: '/v1/responses' },
    responsesBody,
    parseResponsesEvent,
    parseResponsesResponse,
    completions: { path: '/v1/completions', name: '/v1/completions' },
    completionsBody: (input) => openaiCompletionsBody(input, cfg.ignoreEos),
    parseCompletionEvent: parseOpenAiCompletionEvent,
    parseCompletionResponse: parseOpenAiCompletionResponse,
    embeddings: { path: '/v1/embeddings', name: '/v1/embeddings' },
    embeddingsBody: (model, texts) => ({ model, input: texts.length === 1 ? texts[0] : texts }),
    embeddingsInputTokens: (text) => scanNumber(text, '"prompt_tokens":'),
    // vLLM's multimodal embeddings take a chat message (its `messages` form).
    imageEmbeddingsBody: (model, urls) => ({
      model,
      messages: [{ role: 'user', content: urls.map((url) => ({ type: 'image_url', image_url: { url } })) }],
      encoding_format: 'float',
    }),
    // vLLM and Jina serve /v1/rerank with Cohere's body.
    rerank: { path: '/v1/rerank', name: '/v1/rerank' },
    rerankBody: (model, query, documents, topN) => ({ model, query, documents, ...(topN !== undefined ? { top_n: topN } : {}) }),
  };
}

/**
 * What every OpenAI-style generation asks for beyond its input: usage in the
 * stream, and the output length (forced with min_tokens/ignore_eos where allowed).
 */
function withGenerationFields(body: Record<string, unknown>, input: { stream: boolean; outputTokens: number | undefined }, ignoreEos: boolean): Record<string, unknown> {
  if (input.stream) body.stream_options = { include_usage: true };
  if (input.outputTokens !== undefined) {
    body.max_tokens = input.outputTokens;
    if (ignoreEos) {
      body.min_tokens = input.outputTokens;
      body.ignore_eos = true;
    }
  }
  return body;
}

export function openaiChatBody(input: GenerationInput, ignoreEos: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { model: input.model, messages: input.messages, stream: input.stream };
  if (input.tools?.length) body.tools = openaiTools(input.tools);
  if (input.toolChoice) body.tool_choice = openaiToolChoice(input.toolChoice);
  return withGenerationFields(body, input, ignoreEos);
}

export function openaiCompletionsBody(
  input: { model: string; prompt: string; stream: boolean; outputTokens: number | undefined },
  ignoreEos: boolean,
): Record<string, unknown> {
  const body: Record<string, unknown> = { model: input.model, prompt: input.prompt, stream: input.stream };
  return withGenerationFields(body, input, ignoreEos);
}

const USAGE_KEY = keyNeedle('usage');
const FINISH_KEY = keyNeedle('finish_reason');
const CONTENT_MARKER = 'delta":{"content":"';
const REASONING_CONTENT_MARKER = 'delta":{"reasoning_content":"';

export function parseOpenAiChatEvent(data: string, out: StreamDelta): void {
  if (data === '[DONE]') {
    out.done = true;
    return;
  }
  // Fast path for the common chunk: one content (or reasoning) piece and nothing else of interest.
  if (!hasNonNullKey(data, USAGE_KEY) && !hasNonNullKey(data, FINISH_KEY) && scanTextOrThinking(data, CONTENT_MARKER, REASONING_CONTENT_MARKER, out)) return;
  const choice = firstChoice(JSON.parse(data), out, 'stream event');
  if (choice === null) return;
  if (choice) {
    const delta = choice.delta as Record<string, unknown> | undefined;
    if (delta) {
      out.content = str(delta.content) ?? '';
      out.reasoning = str(delta.reasoning_content) ?? str(delta.reasoning) ?? '';
      if (Array.isArray(delta.tool_calls)) readToolCalls(delta.tool_calls, out.toolCalls);
    }
    const finish = str(choice.finish_reason);
    if (finish) out.finishReason = finish;
  }
}

/**
 * OpenAI's `tool_calls` (a stream delta's pieces, or a message's whole calls),
 * also Cohere v2's. A piece without `index` is the call at its position.
 */
export function readToolCalls(calls: unknown[], into: ToolCallDelta[]): void {
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i] as Record<string, unknown> | null;
    if (!c || typeof c !== 'object') continue;
    const fn = (c.function ?? {}) as Record<string, unknown>;
    const d: ToolCallDelta = { index: num(c.index) ?? i, arguments: str(fn.arguments) ?? '' };
    const id = str(c.id);
    if (id) d.id = id;
    const name = str(fn.name);
    if (name) d.name = name;
    into.push(d);
  }
}

/**
 * What every OpenAI answer, streamed or whole, gets first: it must be an
 * object; an error object (`{"error":…}`, or vLLM's `"object":"error"`) goes
 * to out.error and gives null; usage goes to out.usage. Returns the first choice.
 */
function firstChoice(body: unknown, out: StreamDelta, what: string): Record<string, unknown> | undefined | null {
  if (body === null || typeof body !== 'object') throw new SyntaxError(`${what} is not a JSON object`);
  const j = body as Record<string, unknown>;
  if (j.error !== undefined && j.error !== null) {
    out.error = errorMessage(j.error);
    return null;
  }
  if (j.object === 'error') {
    out.error = errorMessage(j);
    return null;
  }
  if (j.usage) out.usage = openaiUsage(j.usage);
  return Array.isArray(j.choices) ? (j.choices[0] as Record<string, unknown> | undefined) : undefined;
}

export function openaiUsage(u: unknown): Usage {
  const usage = u as Record<string, unknown>;
  const details = usage.completion_tokens_details as Record<string, unknown> | undefined;
  return {
    inputTokens: num(usage.prompt_tokens),
    outputTokens: num(usage.completion_tokens),
    reasoningTokens: details ? num(details.reasoning_tokens) : undefined,
    cachedTokens: cachedTokensOf(usage),
  };
}

/** `prompt_tokens_details.cached_tokens` (OpenAI, vLLM, SGLang); undefined when the server does not report a prefix cache. */
function cachedTokensOf(usage: Record<string, unknown>): number | undefined {
  const details = usage.prompt_tokens_details as Record<string, unknown> | null | undefined;
  return details ? num(details.cached_tokens) : undefined;
}

export function parseOpenAiChatResponse(body: unknown, out: StreamDelta): void {
  const choice = firstChoice(body, out, 'response');
  if (choice === null) return;
  const message = choice?.message as Record<string, unknown> | undefined;
  if (message) {
    out.content = str(message.content) ?? '';
    out.reasoning = str(message.reasoning_content) ?? str(message.reasoning) ?? '';
    if (Array.isArray(message.tool_calls)) readToolCalls(message.tool_calls, out.toolCalls);
  }
  out.finishReason = str(choice?.finish_reason);
  out.done = true;
}

export function parseOpenAiCompletionEvent(data: string, out: StreamDelta): void {
  if (data === '[DONE]') {
    out.done = true;
    return;
  }
  const choice = firstChoice(JSON.parse(data), out, 'stream event');
  if (choice) {
    out.content = str(choice.text) ?? '';
    const finish = str(choice.finish_reason);
    if (finish) out.finishReason = finish;
  }
}

export function parseOpenAiCompletionResponse(body: unknown, out: StreamDelta): void {
  const choice = firstChoice(body, out, 'response');
  if (choice === null) return;
  out.content = str(choice?.text) ?? '';
  out.finishReason = str(choice?.finish_reason);
  out.done = true;
}

/** The integer after `marker`, searched from the end (usage comes last in embeddings answers). */
export function scanNumber(text: string, marker: string): number | undefined {
  const at = text.lastIndexOf(marker);
  if (at < 0) return undefined;
  let i = at + marker.length;
  while (text.charCodeAt(i) === 32) i++;
  let n = 0;
  let digits = 0;
  for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) {
    n = n * 10 + (c - 48);
    digits++;
  }
  return digits > 0 ? n : undefined;
}
