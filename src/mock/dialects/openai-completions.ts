import { getTokenizer } from '../../workload/tokenizer.js';
import { errorBody } from '../errors.js';
import { asObject, readMaxTokens, readModel, readStream, type AnswerContext, type GenerationRequest, type StreamFrames, type TextDialect } from './dialect.js';
import { readIncludeUsage } from './openai-chat.js';

/**
 * Prompt length of `prompt`: a string, an array of strings, or token ids
 * (an array of numbers, or of arrays of numbers). Undefined when it is none.
 */
function promptTokens(prompt: unknown): number | undefined {
  if (typeof prompt === 'string') return getTokenizer('cl100k_base').count(prompt);
  if (!Array.isArray(prompt) || prompt.length === 0) return undefined;
  let total = 0;
  for (const item of prompt) {
    if (typeof item === 'string') total += getTokenizer('cl100k_base').count(item);
    else if (typeof item === 'number') total += 1;
    else if (Array.isArray(item) && item.every((id) => typeof id === 'number')) total += item.length;
    else return undefined;
  }
  return total;
}

function parse(raw: unknown): GenerationRequest | string {
  const body = asObject(raw);
  if (typeof body === 'string') return body;
  const inputTokens = promptTokens(body.prompt);
  if (inputTokens === undefined) return 'prompt: expected a string, an array of strings or an array of token ids';
  const stream = readStream(body);
  if (typeof stream === 'string') return stream;
  const maxTokens = readMaxTokens(body, ['max_tokens']);
  if (typeof maxTokens === 'string') return maxTokens;
  return { model: readModel(body), stream, includeUsage: readIncludeUsage(body), maxTokens, inputTokens };
}

function usage(ctx: AnswerContext) {
  return { prompt_tokens: ctx.inputTokens, completion_tokens: ctx.outputTokens, total_tokens: ctx.inputTokens + ctx.outputTokens };
}

// Hot path: prebuilt prefix and suffix around the token text, as in openai-chat.
function frames(ctx: AnswerContext): StreamFrames {
  const usageNull = ctx.includeUsage ? ',"usage":null' : '';
  const head = `data: {"id":"${ctx.id}","object":"text_completion","created":${ctx.created},"model":${JSON.stringify(ctx.model)},"choices":`;
  const textHead = `${head}[{"text":"`;
  const tail = `","index":0,"logprobs":null,"finish_reason":null}]${usageNull}}\n\n`;
  const content = (text: string) => `${textHead}${text}${tail}`;
  return {
    open: () => '',
    reasoning: content,
    content,
    close: () => {
      const finish = ctx.hitMaxTokens ? 'length' : 'stop';
      let out = `${textHead}","index":0,"logprobs":null,"finish_reason":"${finish}"}]${usageNull}}\n\n`;
      if (ctx.includeUsage) out += `${head}[],"usage":${JSON.stringify(usage(ctx))}}\n\n`;
      return `${out}data: [DONE]\n\n`;
    },
    error: (message) => `data: ${JSON.stringify(errorBody('openai', 500, message))}\n\n`,
  };
}

function answer(ctx: AnswerContext, _reasoning: string, content: string): unknown {
  return {
    id: ctx.id,
    object: 'text_completion',
    created: ctx.created,
    model: ctx.model,
    choices: [{ text: content, index: 0, logprobs: null, finish_reason: ctx.hitMaxTokens ? 'length' : 'stop' }],
    usage: usage(ctx),
  };
}

/**
 * OpenAI legacy `POST /v1/completions`. A batch of prompts is counted as input
 * but answered with one choice.
 */
export const openaiCompletions = {
  errorShape: 'openai',
  idPrefix: 'cmpl-',
  supportsReasoning: false,
  parse,
  frames,
  answer,
} satisfies TextDialect;
