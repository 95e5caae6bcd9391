import { getTokenizer } from '../../workload/tokenizer.js';
import { errorBody } from '../errors.js';
import {
  asObject,
  messagesText,
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
  };
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
  return {
    open: () => (ctx.roleChunk ? `${deltaHead}{"role":"assistant","content":""}${tail}` : ''),
    reasoning: (text) => `${deltaHead}{${take()}"reasoning_content":"${text}"}${tail}`,
    content: (text) => `${deltaHead}{${take()}"content":"${text}"}${tail}`,
    close: () => {
      const finish = ctx.hitMaxTokens ? 'length' : 'stop';
      let out = `${deltaHead}{},"logprobs":null,"finish_reason":"${finish}"}]${usageNull}}\n\n`;
      if (ctx.includeUsage) out += `${head}[],"usage":${JSON.stringify(openaiUsage(ctx))}}\n\n`;
      return `${out}data: [DONE]\n\n`;
    },
    error: (message) => `data: ${JSON.stringify(errorBody('openai', 500, message))}\n\n`,
  };
}

function answer(ctx: AnswerContext, reasoning: string, content: string): unknown {
  const message: Record<string, unknown> = { role: 'assistant', content };
  if (ctx.reasoningTokens > 0) message.reasoning_content = reasoning;
  return {
    id: ctx.id,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: ctx.hitMaxTokens ? 'length' : 'stop' }],
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
