import { getTokenizer } from '../../workload/tokenizer.js';
import { errorBody } from '../errors.js';
import {
  openingOnce,
  asObject,
  contentText,
  messagesText,
  namedEvent,
  readMaxTokens,
  readModel,
  readStream,
  readToolCall,
  type AnswerContext,
  type GenerationRequest,
  type StreamFrames,
  type TextDialect,
} from './dialect.js';

// Real thinking blocks end with an opaque signature; clients pass it back, never read it.
const SIGNATURE = 'bW9jay1zaWduYXR1cmU=';

function parse(raw: unknown): GenerationRequest | string {
  const body = asObject(raw);
  if (typeof body === 'string') return body;
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: expected a non-empty array';
  const stream = readStream(body);
  if (typeof stream === 'string') return stream;
  const maxTokens = readMaxTokens(body, ['max_tokens']);
  if (typeof maxTokens === 'string') return maxTokens;
  const system = contentText(body.system);
  const prompt = messagesText(body.messages);
  const text = system ? `${system}\n${prompt}` : prompt;
  return {
    model: readModel(body, 'mock-claude'),
    stream,
    includeUsage: true,
    maxTokens,
    inputTokens: getTokenizer('cl100k_base').count(text),
    prompt: text,
    toolCall: readToolCall(body, body.messages[body.messages.length - 1], isToolResult),
  };
}

/** Anthropic answers tool calls with a user message of tool_result blocks. */
function isToolResult(m: Record<string, unknown>): boolean {
  return m.role === 'user' && Array.isArray(m.content) && m.content.some((b) => (b as { type?: unknown } | null)?.type === 'tool_result');
}

function stopReason(ctx: AnswerContext): string {
  return ctx.toolCall ? 'tool_use' : ctx.hitMaxTokens ? 'max_tokens' : 'end_turn';
}

const blockStart = (index: number, block: string) =>
  namedEvent('content_block_start', `{"type":"content_block_start","index":${index},"content_block":${block}}`);
const blockStop = (index: number) => namedEvent('content_block_stop', `{"type":"content_block_stop","index":${index}}`);
const signature = namedEvent(
  'content_block_delta',
  `{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"${SIGNATURE}"}}`,
);
const THINKING_BLOCK = '{"type":"thinking","thinking":"","signature":""}';
const TEXT_BLOCK = '{"type":"text","text":""}';

/**
 * Anthropic's event sequence: message_start, a thinking block (when there is
 * reasoning) then a text block, each opened, filled with deltas and stopped; then message_delta
 * with the output usage and message_stop.
 */
function frames(ctx: AnswerContext): StreamFrames {
  if (ctx.toolCall) return toolFrames(ctx);
  const thinks = ctx.reasoningTokens > 0;
  const textIndex = thinks ? 1 : 0;
  const thinkingHead = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"';
  const textHead = `event: content_block_delta\ndata: {"type":"content_block_delta","index":${textIndex},"delta":{"type":"text_delta","text":"`;
  const deltaTail = '"}}\n\n';
  const opening =
    messageStart(ctx) +
    blockStart(0, thinks ? THINKING_BLOCK : TEXT_BLOCK) +
    namedEvent('ping', '{"type":"ping"}');
  // Without the role chunk, the opening events go out with the first token.
  const lead = openingOnce(opening, ctx.roleChunk);
  let inText = !thinks;
  return {
    open: () => (ctx.roleChunk ? opening : ''),
    reasoning: (text) => `${lead()}${thinkingHead}${text}${deltaTail}`,
    content: (text) => {
      let out = lead();
      if (!inText) {
        out += signature + blockStop(0) + blockStart(1, TEXT_BLOCK);
        inText = true;
      }
      return `${out}${textHead}${text}${deltaTail}`;
    },
    close: () =>
      (inText ? '' : signature) +
      blockStop(inText ? textIndex : 0) +
      namedEvent(
        'message_delta',
        `{"type":"message_delta","delta":{"stop_reason":"${stopReason(ctx)}","stop_sequence":null},` +
          `"usage":{"output_tokens":${ctx.outputTokens}}}`,
      ) +
      namedEvent('message_stop', '{"type":"message_stop"}'),
    error: (message) => namedEvent('error', JSON.stringify(errorBody('anthropic', 529, message))),
  };
}

/** The stream's first event: the message, still empty, with its input usage. */
function messageStart(ctx: AnswerContext): string {
  return namedEvent(
    'message_start',
    `{"type":"message_start","message":{"id":"${ctx.id}","type":"message","role":"assistant","model":${JSON.stringify(ctx.model)},` +
      `"content":[],"stop_reason":null,"stop_sequence":null,"usage":${JSON.stringify(anthropicInputUsage(ctx))}}}`,
  );
}

/** Anthropic counts cache reads apart: `input_tokens` is the uncached rest. */
function anthropicInputUsage(ctx: AnswerContext): Record<string, number> {
  if (ctx.cachedTokens === undefined) return { input_tokens: ctx.inputTokens, output_tokens: 1 };
  return { input_tokens: ctx.inputTokens - ctx.cachedTokens, cache_read_input_tokens: ctx.cachedTokens, output_tokens: 1 };
}

/**
 * A tool call: message_start (and a thinking block when there is reasoning),
 * then a tool_use block opened with the first argument piece (its name is the
 * first output, so it does not go out before the first token), filled with
 * input_json_delta events, and stop_reason tool_use.
 */
function toolFrames(ctx: AnswerContext): StreamFrames {
  const thinks = ctx.reasoningTokens > 0;
  const index = thinks ? 1 : 0;
  const opening =
    messageStart(ctx) +
    (thinks ? blockStart(0, THINKING_BLOCK) : '') +
    namedEvent('ping', '{"type":"ping"}');
  const lead = openingOnce(opening, ctx.roleChunk);
  const toolBlock = `{"type":"tool_use","id":"${ctx.toolCall!.id}","name":${JSON.stringify(ctx.toolCall!.name)},"input":{}}`;
  let opened = false;
  return {
    open: () => (ctx.roleChunk ? opening : ''),
    reasoning: (text) =>
      `${lead()}event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"${text}"}}\n\n`,
    content: (text) => {
      let out = lead();
      if (!opened) {
        if (thinks) out += signature + blockStop(0);
        out += blockStart(index, toolBlock);
        opened = true;
      }
      return `${out}event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"input_json_delta","partial_json":"${text}"}}\n\n`;
    },
    close: () =>
      (opened ? blockStop(index) : (thinks ? signature : '') + blockStop(0)) +
      namedEvent('message_delta', `{"type":"message_delta","delta":{"stop_reason":"${stopReason(ctx)}","stop_sequence":null},"usage":{"output_tokens":${ctx.outputTokens}}}`) +
      namedEvent('message_stop', '{"type":"message_stop"}'),
    error: (message) => namedEvent('error', JSON.stringify(errorBody('anthropic', 529, message))),
  };
}

function answer(ctx: AnswerContext, reasoning: string, content: string): unknown {
  const blocks: unknown[] = [];
  if (ctx.reasoningTokens > 0) blocks.push({ type: 'thinking', thinking: reasoning, signature: SIGNATURE });
  if (ctx.toolCall) blocks.push({ type: 'tool_use', id: ctx.toolCall.id, name: ctx.toolCall.name, input: JSON.parse(content) as unknown });
  else if (content) blocks.push({ type: 'text', text: content });
  return {
    id: ctx.id,
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content: blocks,
    stop_reason: stopReason(ctx),
    stop_sequence: null,
    usage: { ...anthropicInputUsage(ctx), output_tokens: ctx.outputTokens },
  };
}

/** Anthropic Messages, `POST /v1/messages`. */
export const anthropicMessages = {
  errorShape: 'anthropic',
  idPrefix: 'msg_',
  supportsReasoning: true,
  parse,
  frames,
  answer,
} satisfies TextDialect;
