import { getTokenizer } from '../../workload/tokenizer.js';
import { errorBody } from '../errors.js';
import {
  asObject,
  asksForJson,
  messagesText,
  readToolCall,
  readMaxTokens,
  readModel,
  readStream,
  type AnswerContext,
  type GenerationRequest,
  type StreamFrames,
  type TextDialect,
} from './dialect.js';

/** The usage object of OpenAI chat answers and final usage chunks. */
export function openaiUsage(ctx: AnswerContext) {
  return {
    prompt_tokens: ctx.inputTokens,
    completion_tokens: ctx.outputTokens,
    total_tokens: ctx.inputTokens + ctx.outputTokens,
    completion_tokens_details: { reasoning_tokens: ctx.reasoningTokens },
    ...(ctx.cachedTokens !== undefined && { prompt_tokens_details: { cached_tokens: ctx.cachedTokens } }),
  };
}

/** Reads `stream_options.include_usage`. */
export function readIncludeUsage(body: Record<string, unknown>): boolean {
  const options = body.stream_options;
  return !!options && typeof options === 'object' && (options as { include_usage?: unknown }).include_usage === true;
}

function parse(raw: unknown): GenerationRequest | string {
  const body = asObject(raw);
  if (typeof body === 'string') return body;
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: expected a non-empty array';
  const stream = readStream(body);
  if (typeof stream === 'string') return stream;
  const maxTokens = readMaxTokens(body, ['max_completion_tokens', 'max_tokens']);
  if (typeof maxTokens === 'string') return maxTokens;
  // min_tokens and ignore_eos (vLLM) are accepted: the answer is always max_tokens long.
  const prompt = messagesText(body.messages);
  return {
    model: readModel(body),
    stream,
    includeUsage: readIncludeUsage(body),
    maxTokens,
    inputTokens: getTokenizer('cl100k_base').count(prompt),
    prompt,
    toolCall: readToolCall(body, body.messages[body.messages.length - 1], (m) => m.role === 'tool'),
    json: asksForJson(body.response_format),
  };
}

/** The finish reason of an OpenAI-style answer. */
function finishReason(ctx: AnswerContext): string {
  return ctx.toolCall ? 'tool_calls' : ctx.hitMaxTokens ? 'length' : 'stop';
}

// Hot path: every chunk is a prebuilt prefix, the token text (plain ASCII
// letters, safe inside a JSON string as is) and a prebuilt suffix; no
// JSON.stringify per chunk.
function frames(ctx: AnswerContext): StreamFrames {
  const usageNull = ctx.includeUsage ? ',"usage":null' : '';
  const head = `data: {"id":"${ctx.id}","object":"chat.completion.chunk","created":${ctx.created},"model":${JSON.stringify(ctx.model)},"choices":`;
  const deltaHead = `${head}[{"index":0,"delta":`;
  const tail = `,"logprobs":null,"finish_reason":null}]${usageNull}}\n\n`;
  // Without the role-only chunk, the role rides on the first token's delta.
  let role = ctx.roleChunk ? '' : '"role":"assistant",';
  const take = (): string => {
    const r = role;
    role = '';
    return r;
  };
  // A tool call opens with its id and name on the first argument piece, as vLLM and OpenAI send it.
  const call = ctx.toolCall;
  let opened = false;
  const toolPiece = (text: string): string => {
    if (opened) return `${deltaHead}{"tool_calls":[{"index":0,"function":{"arguments":"${text}"}}]}${tail}`;
    opened = true;
    return `${deltaHead}{${take()}"content":null,"tool_calls":[{"index":0,"id":"${call!.id}","type":"function","function":{"name":${JSON.stringify(call!.name)},"arguments":"${text}"}}]}${tail}`;
  };
  return {
    open: () => (ctx.roleChunk ? `${deltaHead}{"role":"assistant","content":""}${tail}` : ''),
    reasoning: (text) => `${deltaHead}{${take()}"reasoning_content":"${text}"}${tail}`,
    content: call ? toolPiece : (text) => `${deltaHead}{${take()}"content":"${text}"}${tail}`,
    close: () => {
      const finish = finishReason(ctx);
      let out = `${deltaHead}{},"logprobs":null,"finish_reason":"${finish}"}]${usageNull}}\n\n`;
      if (ctx.includeUsage) out += `${head}[],"usage":${JSON.stringify(openaiUsage(ctx))}}\n\n`;
      return `${out}data: [DONE]\n\n`;
    },
    error: (message) => `data: ${JSON.stringify(errorBody('openai', 500, message))}\n\n`,
  };
}

function answer(ctx: AnswerContext, reasoning: string, content: string): unknown {
  const message: Record<string, unknown> = ctx.toolCall
    ? { role: 'assistant', content: null, tool_calls: [{ id: ctx.toolCall.id, type: 'function', function: { name: ctx.toolCall.name, arguments: content } }] }
    : { role: 'assistant', content };
  if (ctx.reasoningTokens > 0) message.reasoning_content = reasoning;
  return {
    id: ctx.id,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(ctx) }],
    usage: openaiUsage(ctx),
  };
}

/** OpenAI `POST /v1/chat/completions` (and Azure's deployment route). */
export const openaiChat = {
  errorShape: 'openai',
  idPrefix: 'chatcmpl-',
  supportsReasoning: true,
  parse,
  frames,
  answer,
} satisfies TextDialect;
