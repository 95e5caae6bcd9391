import { getTokenizer } from '../../workload/tokenizer.js';

import { asObject, messagesText, type AnswerContext, type GenerationRequest, type StreamFrames, type TextDialect } from './dialect.js';

/** Gemini's messages are `{ role, parts: [{ text }] }`: the parts are read like content parts. */
function contentsText(contents: readonly unknown[]): string {
  return messagesText(contents.map((c) => ({ content: (c as { parts?: unknown } | null)?.parts })));
}

function parse(raw: unknown, stream: boolean): GenerationRequest | string {
  const body = asObject(raw);
  if (typeof body === 'string') return body;
  if (!Array.isArray(body.contents) || body.contents.length === 0) return 'contents: expected a non-empty array';
  const config = body.generationConfig as Record<string, unknown> | undefined;
  const maxTokens = config?.maxOutputTokens;
  if (maxTokens !== undefined && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)) return `generationConfig.maxOutputTokens: expected an integer >= 1, got ${JSON.stringify(maxTokens)}`;
  const system = body.systemInstruction ? contentsText([body.systemInstruction]) : '';
  const text = [system, contentsText(body.contents)].filter(Boolean).join('\n');
  return { model: 'gemini-mock', stream, includeUsage: true, maxTokens: maxTokens as number | undefined, inputTokens: getTokenizer('cl100k_base').count(text) };
}

const usage = (ctx: AnswerContext) => ({
  promptTokenCount: ctx.inputTokens,
  candidatesTokenCount: ctx.outputTokens - ctx.reasoningTokens,
  ...(ctx.reasoningTokens > 0 ? { thoughtsTokenCount: ctx.reasoningTokens } : {}),
  totalTokenCount: ctx.inputTokens + ctx.outputTokens,
});
const finishReason = (ctx: AnswerContext) => (ctx.hitMaxTokens ? 'MAX_TOKENS' : 'STOP');
const chunk = (parts: unknown[], extra: Record<string, unknown> = {}) => `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }], modelVersion: 'gemini-mock' })}\n\n`;

/** streamGenerateContent?alt=sse: one GenerateContentResponse per event; the last has finishReason and usageMetadata; no end marker. */
function frames(ctx: AnswerContext): StreamFrames {
  return {
    open: () => '',
    reasoning: (text) => chunk([{ text, thought: true }]),
    content: (text) => chunk([{ text }]),
    close: () => `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: finishReason(ctx), index: 0 }], usageMetadata: usage(ctx), modelVersion: 'gemini-mock' })}\n\n`,
    error: (message) => `data: ${JSON.stringify({ error: { code: 500, message, status: 'INTERNAL' } })}\n\n`,
  };
}

function answer(ctx: AnswerContext, reasoning: string, content: string): unknown {
  const parts: unknown[] = [];
  if (reasoning) parts.push({ text: reasoning, thought: true });
  parts.push({ text: content });
  return { candidates: [{ content: { role: 'model', parts }, finishReason: finishReason(ctx), index: 0 }], usageMetadata: usage(ctx), modelVersion: 'gemini-mock' };
}

function dialect(stream: boolean): TextDialect {
  return { errorShape: 'openai', idPrefix: 'gemini-', supportsReasoning: true, parse: (raw) => parse(raw, stream), frames, answer };
}

/** Vertex AI Gemini: …/models/{model}:generateContent and :streamGenerateContent (SSE with alt=sse). */
export const geminiGenerate = dialect(false);
export const geminiStreamGenerate = dialect(true);

