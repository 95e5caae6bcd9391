import { getTokenizer } from '../../workload/tokenizer.js';
import { errorBody } from '../errors.js';
import {
  openingOnce,
  asObject,
  messagesText,
  namedEvent,
  readMaxTokens,
  readModel,
  readStream,
  type AnswerContext,
  type GenerationRequest,
  type StreamFrames,
  type TextDialect,
} from './dialect.js';

function parse(raw: unknown): GenerationRequest | string {
  const body = asObject(raw);
  if (typeof body === 'string') return body;
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: expected a non-empty array';
  const stream = readStream(body);
  if (typeof stream === 'string') return stream;
  const maxTokens = readMaxTokens(body, ['max_tokens']);
  if (typeof maxTokens === 'string') return maxTokens;
  return { model: readModel(body, 'mock-command'), stream, includeUsage: true, maxTokens, inputTokens: getTokenizer('cl100k_base').count(messagesText(body.messages)) };
}

/** Cohere reports the same counts twice: what is billed and what the model saw. */
export function cohereUsage(inputTokens: number, outputTokens: number) {
  const counts = { input_tokens: inputTokens, output_tokens: outputTokens };
  return { billed_units: counts, tokens: { ...counts } };
}

/**
 * Cohere v2's event sequence: message-start, a thinking content block (when
 * there is reasoning) then a text one, each content-start, content-delta..., content-end; then
 * message-end with the usage, and the [DONE] terminator its SDKs expect.
 */
function frames(ctx: AnswerContext): StreamFrames {
  const thinks = ctx.reasoningTokens > 0;
  const textIndex = thinks ? 1 : 0;
  const contentStart = (index: number, block: string) =>
    namedEvent('content-start', `{"type":"content-start","index":${index},"delta":{"message":{"content":${block}}}}`);
  const contentEnd = (index: number) => namedEvent('content-end', `{"type":"content-end","index":${index}}`);
  const thinkingHead = 'event: content-delta\ndata: {"type":"content-delta","index":0,"delta":{"message":{"content":{"thinking":"';
  const textHead = `event: content-delta\ndata: {"type":"content-delta","index":${textIndex},"delta":{"message":{"content":{"text":"`;
  const deltaTail = '"}}}}\n\n';
  const opening =
    namedEvent(
      'message-start',
      `{"id":"${ctx.id}","type":"message-start","delta":{"message":{"role":"assistant","content":[],"tool_plan":"","tool_calls":[],"citations":[]}}}`,
    ) + contentStart(0, thinks ? '{"type":"thinking","thinking":""}' : '{"type":"text","text":""}');
  const lead = openingOnce(opening, ctx.roleChunk);
  let inText = !thinks;
  return {
    open: () => (ctx.roleChunk ? opening : ''),
    reasoning: (text) => `${lead()}${thinkingHead}${text}${deltaTail}`,
    content: (text) => {
      let out = lead();
      if (!inText) {
        out += contentEnd(0) + contentStart(1, '{"type":"text","text":""}');
        inText = true;
      }
      return `${out}${textHead}${text}${deltaTail}`;
    },
    close: () =>
      contentEnd(inText ? textIndex : 0) +
      namedEvent(
        'message-end',
        JSON.stringify({
          type: 'message-end',
          delta: { finish_reason: ctx.hitMaxTokens ? 'MAX_TOKENS' : 'COMPLETE', usage: cohereUsage(ctx.inputTokens, ctx.outputTokens) },
        }),
      ) +
      'data: [DONE]\n\n',
    error: (message) => namedEvent('error', JSON.stringify({ type: 'error', ...(errorBody('cohere', 500, message, ctx.id) as object) })),
  };
}

function answer(ctx: AnswerContext, reasoning: string, content: string): unknown {
  const blocks: unknown[] = [];
  if (ctx.reasoningTokens > 0) blocks.push({ type: 'thinking', thinking: reasoning });
  blocks.push({ type: 'text', text: content });
  return {
    id: ctx.id,
    finish_reason: ctx.hitMaxTokens ? 'MAX_TOKENS' : 'COMPLETE',
    message: { role: 'assistant', content: blocks },
    usage: cohereUsage(ctx.inputTokens, ctx.outputTokens),
  };
}

/** Cohere v2 `POST /v2/chat`. */
export const cohereChat = {
  errorShape: 'cohere',
  idPrefix: '',
  supportsReasoning: true,
  parse,
  frames,
  answer,
} satisfies TextDialect;
