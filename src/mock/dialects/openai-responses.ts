import { getTokenizer } from '../../workload/tokenizer.js';
import {
  asObject,
  asksForJson,
  messagesText,
  namedEvent,
  openingOnce,
  readMaxTokens,
  readModel,
  readStream,
  readToolCall,
  type AnswerContext,
  type GenerationRequest,
  type StreamFrames,
  type TextDialect,
} from './dialect.js';

/** The text of Responses input: a string, or items with `content` (messages) or `output` (function_call_output). */
function inputText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) return '';
  const outputs = input.map((item) => {
    const i = (item ?? {}) as { output?: unknown };
    return typeof i.output === 'string' ? { content: i.output } : item;
  });
  return messagesText(outputs);
}

function parse(raw: unknown): GenerationRequest | string {
  const body = asObject(raw);
  if (typeof body === 'string') return body;
  const input = body.input;
  const isList = Array.isArray(input);
  if (typeof input !== 'string' && !(isList && input.length > 0)) return 'input: expected a string or a non-empty array of input items';
  const stream = readStream(body);
  if (typeof stream === 'string') return stream;
  const maxTokens = readMaxTokens(body, ['max_output_tokens']);
  if (typeof maxTokens === 'string') return maxTokens;
  const instructions = typeof body.instructions === 'string' ? body.instructions : '';
  const text = inputText(input);
  return {
    model: readModel(body),
    stream,
    includeUsage: true,
    maxTokens,
    inputTokens: getTokenizer('cl100k_base').count(instructions ? `${instructions}\n${text}` : text),
    toolCall: readToolCall(body, isList ? input[input.length - 1] : undefined, (m) => m.type === 'function_call_output'),
    json: asksForJson((body.text as { format?: unknown } | undefined)?.format),
  };
}

function usage(ctx: AnswerContext) {
  return {
    input_tokens: ctx.inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: ctx.outputTokens,
    output_tokens_details: { reasoning_tokens: ctx.reasoningTokens },
    total_tokens: ctx.inputTokens + ctx.outputTokens,
  };
}

/** A reply cut by max_output_tokens is `incomplete`; a tool call or a finished text is `completed`. */
function status(ctx: AnswerContext): 'completed' | 'incomplete' {
  return ctx.hitMaxTokens && !ctx.toolCall ? 'incomplete' : 'completed';
}

function typed(type: string, fields: string): string {
  return namedEvent(type, `{"type":"${type}",${fields}}`);
}

/**
 * The Responses API's event sequence: response.created and in_progress; a
 * reasoning item with summary deltas when there is reasoning; then a message
 * item with output_text deltas, or a function_call item with arguments deltas,
 * each opened with the first token; response.completed (or .incomplete) with
 * the usage.
 */
function frames(ctx: AnswerContext): StreamFrames {
  const thinks = ctx.reasoningTokens > 0;
  const outIndex = thinks ? 1 : 0;
  const shell = (state: string) =>
    `{"id":"${ctx.id}","object":"response","created_at":${ctx.created},"status":"${state}","model":${JSON.stringify(ctx.model)},"output":[]}`;
  const reasoningId = `rs_${ctx.id}`;
  const itemId = ctx.toolCall ? `fc_${ctx.id}` : `msg_${ctx.id}`;
  const opening =
    typed('response.created', `"response":${shell('in_progress')}`) +
    typed('response.in_progress', `"response":${shell('in_progress')}`) +
    (thinks
      ? typed('response.output_item.added', `"output_index":0,"item":{"type":"reasoning","id":"${reasoningId}","summary":[]}`) +
        typed('response.reasoning_summary_part.added', `"item_id":"${reasoningId}","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""}`)
      : '');
  const lead = openingOnce(opening, ctx.roleChunk);
  const reasoningHead = `event: response.reasoning_summary_text.delta\ndata: {"type":"response.reasoning_summary_text.delta","item_id":"${reasoningId}","output_index":0,"summary_index":0,"delta":"`;
  const textHead = `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"${itemId}","output_index":${outIndex},"content_index":0,"delta":"`;
  const argsHead = `event: response.function_call_arguments.delta\ndata: {"type":"response.function_call_arguments.delta","item_id":"${itemId}","output_index":${outIndex},"delta":"`;
  const tail = '"}\n\n';
  let opened = false;
  const openItem = (): string => {
    if (opened) return '';
    opened = true;
    let out = thinks ? typed('response.output_item.done', `"output_index":0,"item":{"type":"reasoning","id":"${reasoningId}","summary":[]}`) : '';
    if (ctx.toolCall) {
      out += typed(
        'response.output_item.added',
        `"output_index":${outIndex},"item":{"type":"function_call","id":"${itemId}","call_id":"${ctx.toolCall.id}","name":${JSON.stringify(ctx.toolCall.name)},"arguments":"","status":"in_progress"}`,
      );
    } else {
      out +=
        typed('response.output_item.added', `"output_index":${outIndex},"item":{"type":"message","id":"${itemId}","role":"assistant","status":"in_progress","content":[]}`) +
        typed('response.content_part.added', `"item_id":"${itemId}","output_index":${outIndex},"content_index":0,"part":{"type":"output_text","text":""}`);
    }
    return out;
  };
  return {
    open: () => (ctx.roleChunk ? opening : ''),
    reasoning: (text) => `${lead()}${reasoningHead}${text}${tail}`,
    content: (text) => `${lead()}${openItem()}${ctx.toolCall ? argsHead : textHead}${text}${tail}`,
    close: () => {
      const state = status(ctx);
      const done = JSON.stringify({ id: ctx.id, object: 'response', created_at: ctx.created, status: state, model: ctx.model, incomplete_details: state === 'incomplete' ? { reason: 'max_output_tokens' } : null, usage: usage(ctx) });
      return (
        (opened ? typed('response.output_item.done', `"output_index":${outIndex},"item":{"id":"${itemId}","status":"completed"}`) : '') +
        typed(state === 'incomplete' ? 'response.incomplete' : 'response.completed', `"response":${done}`)
      );
    },
    error: (message) => typed('error', `"code":"server_error","message":${JSON.stringify(message)},"param":null`),
  };
}

function answer(ctx: AnswerContext, reasoning: string, content: string): unknown {
  const output: unknown[] = [];
  if (ctx.reasoningTokens > 0) output.push({ type: 'reasoning', id: `rs_${ctx.id}`, summary: [{ type: 'summary_text', text: reasoning }] });
  if (ctx.toolCall) {
    output.push({ type: 'function_call', id: `fc_${ctx.id}`, call_id: ctx.toolCall.id, name: ctx.toolCall.name, arguments: content, status: 'completed' });
  } else {
    output.push({ type: 'message', id: `msg_${ctx.id}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: content, annotations: [] }] });
  }
  const state = status(ctx);
  return {
    id: ctx.id,
    object: 'response',
    created_at: ctx.created,
    status: state,
    model: ctx.model,
    incomplete_details: state === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    output,
    usage: usage(ctx),
  };
}

/** OpenAI Responses, `POST /v1/responses`. */
export const openaiResponses = {
  errorShape: 'openai',
  idPrefix: 'resp_',
  supportsReasoning: true,
  parse,
  frames,
  answer,
} satisfies TextDialect;
