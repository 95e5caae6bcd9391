import type { ChatMessage, ContentPart } from '../../api/llm.js';
import { errorMessage, num, scanTextOrThinking, str, type GenerationInput, type ProviderAdapter, type ProviderConfig, type StreamDelta } from './adapter.js';
import { anthropicToolChoice, anthropicToolMessages, anthropicTools } from './tools.js';

export const ANTHROPIC_VERSION = '2023-06-01';
/** The Messages API requires max_tokens; this is sent when the traffic does not set an output length. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;

/**
 * Anthropic Messages: `x-api-key` and `anthropic-version` headers, system
 * prompts as a top-level field, images as base64 sources, and a stream of named
 * events (message_start, content_block_delta, message_delta, message_stop, error).
 */
export function anthropicAdapter(cfg: ProviderConfig): ProviderAdapter {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream, application/json',
    'anthropic-version': ANTHROPIC_VERSION,
  };
  if (cfg.apiKey) headers['x-api-key'] = cfg.apiKey;
  return {
    provider: 'anthropic',
    headers,
    chat: { path: '/v1/messages', name: '/v1/messages' },
    chatBody: anthropicBody,
    parseChatEvent: parseAnthropicEvent,
    parseChatResponse: parseAnthropicResponse,
  };
}

export function anthropicBody(input: GenerationInput): Record<string, unknown> {
  const system: string[] = [];
  const messages: unknown[] = [];
  for (const m of input.messages) {
    if (m.role === 'system') system.push(typeof m.content === 'string' ? m.content : textOf(m.content));
    else messages.push({ ...m, content: anthropicContent(m.content) });
  }
  const body: Record<string, unknown> = {
    model: input.model,
    max_tokens: input.outputTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages: anthropicToolMessages(messages),
    stream: input.stream,
  };
  if (system.length) body.system = system.join('\n');
  if (input.tools?.length) body.tools = anthropicTools(input.tools);
  if (input.toolChoice) body.tool_choice = anthropicToolChoice(input.toolChoice);
  return body;
}

function textOf(content: ChatMessage['content']): string {
  if (!Array.isArray(content)) return content ?? '';
  return content.map((p) => (p.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('');
}

const DATA_URL = /^data:([^;,]+);base64,/;

/** OpenAI content parts to Anthropic's: data-URL images become base64 sources, other URLs url sources. */
function anthropicContent(content: ChatMessage['content']): unknown {
  if (!Array.isArray(content)) return content ?? '';
  return content.map((p: ContentPart) => {
    if (p.type !== 'image_url') return p;
    const url = (p as { image_url: { url: string } }).image_url.url;
    const m = DATA_URL.exec(url);
    if (m) return { type: 'image', source: { type: 'base64', media_type: m[1], data: url.slice(m[0].length) } };
    return { type: 'image', source: { type: 'url', url } };
  });
}

const TEXT_MARKER = 'delta":{"type":"text_delta","text":"';
const THINKING_MARKER = 'delta":{"type":"thinking_delta","thinking":"';

export function parseAnthropicEvent(event: string | undefined, data: string, out: StreamDelta): void {
  switch (event) {
    case 'content_block_delta': {
      if (scanTextOrThinking(data, TEXT_MARKER, THINKING_MARKER, out)) return;
      const j = object(JSON.parse(data));
      const delta = (j.delta ?? {}) as Record<string, unknown>;
      if (delta.type === 'text_delta') out.content = str(delta.text) ?? '';
      else if (delta.type === 'thinking_delta') out.reasoning = str(delta.thinking) ?? '';
      else if (delta.type === 'input_json_delta') out.toolCalls.push({ index: num(j.index) ?? 0, arguments: str(delta.partial_json) ?? '' });
      return;
    }
    case 'content_block_start': {
      const j = object(JSON.parse(data));
      const block = (j.content_block ?? {}) as Record<string, unknown>;
      if (block.type === 'tool_use') out.toolCalls.push({ index: num(j.index) ?? 0, id: str(block.id), name: str(block.name), arguments: '' });
      return;
    }
    case 'message_start': {
      const usage = (object(JSON.parse(data)).message as Record<string, unknown> | undefined)?.usage as Record<string, unknown> | undefined;
      if (usage) out.usage = { inputTokens: inputTokens(usage), cachedTokens: num(usage.cache_read_input_tokens) };
      return;
    }
    case 'message_delta': {
      const j = object(JSON.parse(data));
      const usage = j.usage as Record<string, unknown> | undefined;
      if (usage) out.usage = { outputTokens: num(usage.output_tokens), inputTokens: usage.input_tokens !== undefined ? inputTokens(usage) : undefined };
      out.finishReason = str((j.delta as Record<string, unknown> | undefined)?.stop_reason);
      return;
    }
    case 'message_stop':
      out.done = true;
      return;
    case 'error':
      out.error = errorMessage(object(JSON.parse(data)).error ?? data);
      return;
    default:
      // ping, content_block_stop and future event types carry no tokens.
      if (event === undefined && data.startsWith('{')) {
        const j = object(JSON.parse(data));
        if (j.type === 'error') out.error = errorMessage(j.error ?? j);
      }
  }
}

/** Anthropic splits the prompt into cached and uncached parts; all of them are input. */
function inputTokens(usage: Record<string, unknown>): number | undefined {
  const base = num(usage.input_tokens);
  if (base === undefined) return undefined;
  return base + (num(usage.cache_creation_input_tokens) ?? 0) + (num(usage.cache_read_input_tokens) ?? 0);
}

function object(v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object') throw new SyntaxError('stream event is not a JSON object');
  return v as Record<string, unknown>;
}

export function parseAnthropicResponse(body: unknown, out: StreamDelta): void {
  const j = object(body);
  if (j.type === 'error') {
    out.error = errorMessage(j.error ?? j);
    return;
  }
  const text: string[] = [];
  const thinking: string[] = [];
  for (const block of (j.content as Array<Record<string, unknown>> | undefined) ?? []) {
    if (block.type === 'text') text.push(str(block.text) ?? '');
    else if (block.type === 'thinking') thinking.push(str(block.thinking) ?? '');
    else if (block.type === 'tool_use') out.toolCalls.push({ index: out.toolCalls.length, id: str(block.id), name: str(block.name), arguments: JSON.stringify(block.input ?? {}) });
  }
  out.content = text.join('');
  out.reasoning = thinking.join('');
  const usage = j.usage as Record<string, unknown> | undefined;
  if (usage) out.usage = { inputTokens: inputTokens(usage), outputTokens: num(usage.output_tokens), cachedTokens: num(usage.cache_read_input_tokens) };
  out.finishReason = str(j.stop_reason);
  out.done = true;
}
