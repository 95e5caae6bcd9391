import { errorMessage, num, scanTextOrThinking, str, type GenerationInput, type ProviderAdapter, type ProviderConfig, type StreamDelta, type Usage } from './adapter.js';
import { readToolCalls, scanNumber } from './openai.js';
import { cohereToolChoice, openaiTools } from './tools.js';

/**
 * Cohere v2: /v2/chat with named stream events (message-start, content-delta,
 * message-end), /v2/embed and /v2/rerank; the key as a Bearer token.
 */
export function cohereAdapter(cfg: ProviderConfig): ProviderAdapter {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream, application/json' };
  if (cfg.apiKey) headers.authorization = `Bearer ${cfg.apiKey}`;
  return {
    provider: 'cohere',
    headers,
    chat: { path: '/v2/chat', name: '/v2/chat' },
    chatBody: cohereBody,
    parseChatEvent: parseCohereEvent,
    parseChatResponse: parseCohereResponse,
    embeddings: { path: '/v2/embed', name: '/v2/embed' },
    embeddingsBody: (model, texts) => ({ model, texts, input_type: 'search_document', embedding_types: ['float'] }),
    embeddingsInputTokens: (text) => scanNumber(text, '"input_tokens":'),
    imageEmbeddingsBody: (model, images) => ({ model, images, input_type: 'image', embedding_types: ['float'] }),
    rerank: { path: '/v2/rerank', name: '/v2/rerank' },
    rerankBody: (model, query, documents, topN) => ({ model, query, documents, ...(topN !== undefined ? { top_n: topN } : {}) }),
  };
}

export function cohereBody(input: GenerationInput): Record<string, unknown> {
  // Cohere's assistant message with tool calls has no content rather than a null one.
  const messages = input.messages.map((m) => (m.content === null && m.role === 'assistant' ? (({ content: _, ...rest }) => rest)(m) : m));
  const body: Record<string, unknown> = { model: input.model, messages, stream: input.stream };
  if (input.outputTokens !== undefined) body.max_tokens = input.outputTokens;
  if (input.tools?.length) body.tools = openaiTools(input.tools);
  const choice = input.toolChoice ? cohereToolChoice(input.toolChoice) : undefined;
  if (choice) body.tool_choice = choice;
  return body;
}

const TEXT_MARKER = 'delta":{"message":{"content":{"text":"';
const THINKING_MARKER = 'delta":{"message":{"content":{"thinking":"';

export function parseCohereEvent(event: string | undefined, data: string, out: StreamDelta): void {
  if (data === '[DONE]') {
    out.done = true;
    return;
  }
  if (event === 'content-delta' || event === undefined) {
    if (scanTextOrThinking(data, TEXT_MARKER, THINKING_MARKER, out)) return;
  }
  const j = JSON.parse(data) as Record<string, unknown>;
  if (j === null || typeof j !== 'object') throw new SyntaxError('stream event is not a JSON object');
  // Without `event:` lines (older gateways) the type is only in the data.
  const type = event ?? str(j.type);
  switch (type) {
    case 'content-delta': {
      const content = ((j.delta as any)?.message?.content ?? {}) as Record<string, unknown>;
      out.content = str(content.text) ?? '';
      out.reasoning = str(content.thinking) ?? '';
      return;
    }
    // The tool plan is text the model writes before its calls: output, but not the answer.
    case 'tool-plan-delta':
      out.reasoning = str((j.delta as any)?.message?.tool_plan) ?? '';
      return;
    case 'tool-call-start':
    case 'tool-call-delta': {
      const call = (j.delta as any)?.message?.tool_calls;
      if (call && typeof call === 'object') {
        const before = out.toolCalls.length;
        readToolCalls([call], out.toolCalls);
        if (out.toolCalls.length > before) out.toolCalls[before]!.index = num(j.index) ?? 0;
      }
      return;
    }
    case 'message-end': {
      const delta = (j.delta ?? {}) as Record<string, unknown>;
      out.finishReason = str(delta.finish_reason);
      if (delta.usage) out.usage = cohereUsage(delta.usage);
      out.done = true;
      return;
    }
    case 'error':
      out.error = errorMessage(j);
      return;
  }
}

/** `tokens` is what the model saw; `billed_units` what is billed (used when `tokens` is absent). */
function cohereUsage(u: unknown): Usage {
  const usage = u as Record<string, Record<string, unknown> | undefined>;
  const counts = usage.tokens ?? usage.billed_units ?? {};
  return { inputTokens: num(counts.input_tokens), outputTokens: num(counts.output_tokens) };
}

export function parseCohereResponse(body: unknown, out: StreamDelta): void {
  const j = body as Record<string, unknown>;
  if (!j || typeof j !== 'object') throw new SyntaxError('response is not a JSON object');
  const message = j.message as { content?: Array<Record<string, unknown>>; tool_calls?: unknown[]; tool_plan?: unknown } | undefined;
  if (!message && typeof j.message === 'string') {
    out.error = j.message;
    return;
  }
  const text: string[] = [];
  const thinking: string[] = [];
  for (const block of message?.content ?? []) {
    if (block.type === 'text') text.push(str(block.text) ?? '');
    else if (block.type === 'thinking') thinking.push(str(block.thinking) ?? '');
  }
  if (typeof message?.tool_plan === 'string') thinking.push(message.tool_plan);
  if (Array.isArray(message?.tool_calls)) readToolCalls(message.tool_calls, out.toolCalls);
  out.content = text.join('');
  out.reasoning = thinking.join('');
  if (j.usage) out.usage = cohereUsage(j.usage);
  out.finishReason = str(j.finish_reason);
  out.done = true;
}
