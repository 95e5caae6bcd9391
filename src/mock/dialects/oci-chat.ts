import { getTokenizer } from '../../workload/tokenizer.js';
import { asObject, messagesText, type AnswerContext, type GenerationRequest, type StreamFrames, type TextDialect } from './dialect.js';

function parse(raw: unknown): GenerationRequest | string {
  const body = asObject(raw);
  if (typeof body === 'string') return body;
  if (typeof body.compartmentId !== 'string' || body.compartmentId === '') return 'compartmentId: expected an OCID';
  const serving = body.servingMode as Record<string, unknown> | undefined;
  const chat = body.chatRequest as Record<string, unknown> | undefined;
  if (!chat || typeof chat !== 'object') return 'chatRequest: expected an object';
  if (!Array.isArray(chat.messages) || chat.messages.length === 0) return 'chatRequest.messages: expected a non-empty array';
  const maxTokens = chat.maxTokens;
  if (maxTokens !== undefined && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)) return `chatRequest.maxTokens: expected an integer >= 1, got ${JSON.stringify(maxTokens)}`;
  const options = chat.streamOptions as Record<string, unknown> | undefined;
  return {
    model: typeof serving?.modelId === 'string' ? serving.modelId : 'oci-mock',
    stream: chat.isStream === true,
    includeUsage: options?.isIncludeUsage === true,
    maxTokens: maxTokens as number | undefined,
    inputTokens: getTokenizer('cl100k_base').count(messagesText(chat.messages)),
  };
}

const usage = (ctx: AnswerContext) => ({ promptTokens: ctx.inputTokens, completionTokens: ctx.outputTokens, totalTokens: ctx.inputTokens + ctx.outputTokens });
const finishReason = (ctx: AnswerContext) => (ctx.hitMaxTokens ? 'length' : 'stop');
const message = (text: string) => ({ role: 'ASSISTANT', content: [{ type: 'TEXT', text }] });

/** The GENERIC format's stream: a message per event, then one with finishReason, then (isIncludeUsage) the usage. */
function frames(ctx: AnswerContext): StreamFrames {
  return {
    open: () => '',
    reasoning: () => '',
    content: (text) => `data: ${JSON.stringify({ index: 0, message: message(text) })}\n\n`,
    close: () => {
      let out = `data: ${JSON.stringify({ index: 0, message: message(''), finishReason: finishReason(ctx) })}\n\n`;
      if (ctx.includeUsage) out += `data: ${JSON.stringify({ usage: usage(ctx) })}\n\n`;
      return out;
    },
    error: (msg) => `data: ${JSON.stringify({ code: 'InternalServerError', message: msg })}\n\n`,
  };
}

function answer(ctx: AnswerContext, _reasoning: string, content: string): unknown {
  return {
    modelId: ctx.model,
    modelVersion: '1.0',
    chatResponse: { apiFormat: 'GENERIC', timeCreated: new Date(ctx.created * 1000).toISOString(), choices: [{ index: 0, message: message(content), finishReason: finishReason(ctx) }], usage: usage(ctx) },
  };
}

/** OCI Generative AI: POST /20231130/actions/chat, GENERIC API format. */
export const ociChat: TextDialect = { errorShape: 'cohere', idPrefix: 'ocid1.generativeairesponse.', supportsReasoning: false, parse, frames, answer };
