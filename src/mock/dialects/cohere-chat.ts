import { getTokenizer } from '../../workload/tokenizer.js';
import { errorBody } from '../errors.js';
import {
  openingOnce,
  asObject,
  messagesText,
  namedEvent,
  readMaxTokens,
  asksForJson,
  readModel,
  readStream,
  readToolCall,
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
  return {
    model: readModel(body, 'mock-command'),
    stream,
    includeUsage: true,
    maxTokens,
    inputTokens: getTokenizer('cl100k_base').count(messagesText(body.messages)),
    toolCall: readToolCall(body, body.messages[body.messages.length - 1], (m) => m.role === 'tool'),
    json: asksForJson(body.response_format),
  };
}

function finishReason(ctx: AnswerContext): string {
  return ctx.toolCall ? 'TOOL_CALL' : ctx.hitMaxTokens ? 'MAX_TOKENS' : 'COMPLETE';
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
  const call = ctx.toolCall;
  const opening =
    namedEvent(
      'message-start',
      `{"id":"${ctx.id}","type":"message-start","delta":{"message":{"role":"assistant","content":[],"tool_plan":"","tool_calls":[],"citations":[]}}}`,
    ) + (thinks ? contentStart(0, '{"type":"thinking","thinking":""}') : call ? '' : contentStart(0, '{"type":"text","text":""}'));
  // A tool call opens (tool-call-start, with its name) with the first argument piece.
  let opened = false;
  const toolPiece = (text: string): string => {
    let out = lead();
    if (!opened) {
      if (thinks) out += contentEnd(0);
      out += namedEvent(
        'tool-call-start',
        `{"type":"tool-call-start","index":0,"delta":{"message":{"tool_calls":{"id":"${call!.id}","type":"function","function":{"name":${JSON.stringify(call!.name)},"arguments":""}}}}}`,
      );
      opened = true;
    }
    return out + namedEvent('tool-call-delta', `{"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{"function":{"arguments":"${text}"}}}}}`);
  };
  const lead = openingOnce(opening, ctx.roleChunk);
  let inText = !thinks;
  return {
    open: () => (ctx.roleChunk ? opening : ''),
    reasoning: (text) => `${lead()}${thinkingHead}${text}${deltaTail}`,
    content: call
      ? toolPiece
      : (text) => {
          let out = lead();
          if (!inText) {
            out += contentEnd(0) + contentStart(1, '{"type":"text","text":""}');
            inText = true;
          }
          return `${out}${textHead}${text}${deltaTail}`;
        },
    close: () =>
      (call ? (opened ? namedEvent('tool-call-end', '{"type":"tool-call-end","index":0}') : thinks ? contentEnd(0) : '') : contentEnd(inText ? textIndex : 0)) +
      namedEvent(
        'message-end',
        JSON.stringify({
          type: 'message-end',
          delta: { finish_reason: finishReason(ctx), usage: cohereUsage(ctx.inputTokens, ctx.outputTokens) },
        }),
      ) +
      'data: [DONE]\n\n',
    error: (message) => namedEvent('error', JSON.stringify({ type: 'error', ...(errorBody('cohere', 500, message, ctx.id) as object) })),
  };
}

function answer(ctx: AnswerContext, reasoning: string, content: string): unknown {
  const blocks: unknown[] = [];
  if (ctx.reasoningTokens > 0) blocks.push({ type: 'thinking', thinking: reasoning });
  const message: Record<string, unknown> = { role: 'assistant', content: blocks };
  if (ctx.toolCall) message.tool_calls = [{ id: ctx.toolCall.id, type: 'function', function: { name: ctx.toolCall.name, arguments: content } }];
  else blocks.push({ type: 'text', text: content });
  return {
    id: ctx.id,
    finish_reason: finishReason(ctx),
    message,
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
