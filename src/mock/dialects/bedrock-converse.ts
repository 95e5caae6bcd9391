import { EventStreamCodec } from '@smithy/core/event-streams';
import { getTokenizer } from '../../workload/tokenizer.js';
import { asObject, messagesText, type AnswerContext, type GenerationRequest, type StreamFrames, type TextDialect } from './dialect.js';

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
  (text) => Buffer.from(text, 'utf8'),
);

/** One AWS event-stream message, encoded by the AWS SDK's codec, as a latin1 string (one char per byte; see StreamFrames.binary). */
function message(headers: Record<string, string>, payload: unknown): string {
  const tagged = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, { type: 'string' as const, value: v }]));
  return Buffer.from(codec.encode({ headers: tagged, body: Buffer.from(JSON.stringify(payload), 'utf8') })).toString('latin1');
}

function event(type: string, payload: unknown): string {
  return message({ ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' }, payload);
}

function parse(raw: unknown, stream: boolean): GenerationRequest | string {
  const body = asObject(raw);
  if (typeof body === 'string') return body;
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: expected a non-empty array';
  const config = body.inferenceConfig as Record<string, unknown> | undefined;
  const maxTokens = config?.maxTokens;
  if (maxTokens !== undefined && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)) return `inferenceConfig.maxTokens: expected an integer >= 1, got ${JSON.stringify(maxTokens)}`;
  const system = Array.isArray(body.system) ? messagesText([{ content: body.system }]) : '';
  const text = [system, messagesText(body.messages)].filter(Boolean).join('\n');
  return { model: 'bedrock-model', stream, includeUsage: true, maxTokens: maxTokens as number | undefined, inputTokens: getTokenizer('cl100k_base').count(text) };
}

const usage = (ctx: AnswerContext) => ({ inputTokens: ctx.inputTokens, outputTokens: ctx.outputTokens, totalTokens: ctx.inputTokens + ctx.outputTokens });
const stopReason = (ctx: AnswerContext) => (ctx.hitMaxTokens ? 'max_tokens' : 'end_turn');

/** ConverseStream: messageStart, contentBlockDelta…, contentBlockStop, messageStop, metadata (usage). */
function frames(ctx: AnswerContext): StreamFrames {
  const start = event('messageStart', { role: 'assistant' });
  let opening = ctx.roleChunk ? '' : start;
  const lead = () => {
    const out = opening;
    opening = '';
    return out;
  };
  return {
    binary: true,
    open: () => (ctx.roleChunk ? start : ''),
    reasoning: (text) => lead() + event('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text } } }),
    content: (text) => lead() + event('contentBlockDelta', { contentBlockIndex: 0, delta: { text } }),
    close: () =>
      event('contentBlockStop', { contentBlockIndex: 0 }) +
      event('messageStop', { stopReason: stopReason(ctx) }) +
      event('metadata', { usage: usage(ctx), metrics: { latencyMs: 0 } }),
    error: (msg) => message({ ':message-type': 'exception', ':exception-type': 'internalServerException', ':content-type': 'application/json' }, { message: msg }),
  };
}

function answer(ctx: AnswerContext, reasoning: string, content: string): unknown {
  const blocks: unknown[] = [];
  if (reasoning) blocks.push({ reasoningContent: { reasoningText: { text: reasoning } } });
  blocks.push({ text: content });
  return { output: { message: { role: 'assistant', content: blocks } }, stopReason: stopReason(ctx), usage: usage(ctx), metrics: { latencyMs: 0 } };
}

function dialect(stream: boolean): TextDialect {
  return { errorShape: 'cohere', idPrefix: 'bedrock-', supportsReasoning: true, streamContentType: 'application/vnd.amazon.eventstream', parse: (raw) => parse(raw, stream), frames, answer };
}

/** AWS Bedrock's Converse (POST /model/{id}/converse) and ConverseStream (/converse-stream, binary event stream). */
export const bedrockConverse = dialect(false);
export const bedrockConverseStream = dialect(true);
