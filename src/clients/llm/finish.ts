import type { ChatMessage, LlmResult, ToolCall } from '../../api/llm.js';
import type { Tokenizer } from '../../workload/tokenizer.js';
import type { LlmRecorder } from '../../metrics/llm-groups.js';
import type { ExchangeOutcome } from './exchange.js';
import { stderrWarnOnce, type WarnOnce } from '../context.js';
import { meetsSlos, type Slo } from './slo.js';
import { computeTimings, tokensPerChunk, tokensPerPiece } from './timing.js';
import { recordCache } from './workload-figures.js';
import { assistantMessage, parseArguments } from './tools.js';

/** Server and local output counts further apart than this share are counted as `llm.token_mismatch`. */
export const TOKEN_MISMATCH_SHARE = 0.1;
const EMPTY_TOKENS = new Uint32Array(0);

/** Warns once per worker: a tokenizer that differs from the model's is common, and one line is enough. */
function warnMismatch(warn: WarnOnce, server: number, local: number, name: string): void {
  warn(
    'llm.token_mismatch',
    `volley: ${name}: the server counted ${server} output tokens, tiktoken ${local} (more than ${TOKEN_MISMATCH_SHARE * 100}% apart). ` +
      `Server counts are used; set \`tokenizer\` closer to the model's, or see the counter llm.token_mismatch. (shown once per worker)`,
  );
}

/**
 * Turns a chat or completion exchange into the LlmResult and records it. Token
 * counts: the server's usage when it sent one, else tiktoken on the whole text
 * (counted once, never per chunk); the local count is always taken, to check the server's.
 */
export function finishGeneration(
  recorder: LlmRecorder,
  name: string,
  out: ExchangeOutcome,
  messages: ChatMessage[],
  localInput: number,
  tok: Tokenizer,
  slos: readonly Slo[],
  warn: WarnOnce = stderrWarnOnce,
  expectJson = false,
): LlmResult {
  const text = out.content.length === 1 ? out.content[0]! : out.content.join('');
  const reasoning = out.reasoning.length === 1 ? out.reasoning[0]! : out.reasoning.join('');
  const toolText = out.toolPieces.length === 0 ? '' : out.toolPieces.join('');
  const localReasoning = tok.count(reasoning);
  // Tool-call arguments are generated tokens; names and ids are framing the server counts, if at all.
  const localOutput = tok.count(text) + localReasoning + (toolText.length > 0 ? tok.count(toolText) : 0);
  const usage = out.usage;
  const outputTokens = usage.outputTokens ?? localOutput;

  // Several tokens per chunk (or a server count in another tokenizer): spread each gap over the chunk's tokens.
  const chunks = out.chunkTimes.length;
  const perChunk =
    chunks > 1 && chunks !== outputTokens
      ? tokensPerChunk(
          out.chunkRefs,
          tokensPerPiece(out.content, text.length > 0 ? tok.encode(text) : EMPTY_TOKENS, tok),
          tokensPerPiece(out.reasoning, reasoning.length > 0 ? tok.encode(reasoning) : EMPTY_TOKENS, tok),
          toolText.length > 0 ? tokensPerPiece(out.toolPieces, tok.encode(toolText), tok) : undefined,
        )
      : undefined;
  const t = computeTimings({
    startMs: out.startMs,
    endMs: out.endMs,
    firstTokenMs: out.firstTokenMs,
    firstContentMs: out.firstContentMs,
    chunkTimes: out.chunkTimes,
    tokensPerChunk: perChunk,
    outputTokens,
  });

  const toolCalls: ToolCall[] = out.toolCalls.map((c) => {
    const args = c.args.length === 1 ? c.args[0]! : c.args.join('');
    return { id: c.id, name: c.name, arguments: args, input: parseArguments(args) };
  });
  const result: LlmResult = {
    text,
    reasoning,
    messages: [...messages, assistantMessage(text, toolCalls)],
    toolCalls,
    inputTokens: usage.inputTokens ?? localInput,
    outputTokens,
    reasoningTokens: usage.reasoningTokens ?? localReasoning,
    usageSource: usage.outputTokens !== undefined ? 'server' : 'tiktoken',
    ttftMs: t.ttftMs,
    ttfctMs: t.ttfctMs,
    e2eMs: t.e2eMs,
    tpotMs: t.tpotMs,
    itlMs: t.itlMs,
    status: out.status,
  };
  if (out.finishReason !== undefined) result.finishReason = out.finishReason;
  if (usage.cachedTokens !== undefined) result.cachedTokens = usage.cachedTokens;

  if (out.errorKind !== undefined) {
    result.error = out.errorMessage ?? out.errorKind;
    result.errorKind = out.errorKind;
    recordFailure(recorder, name, out, result.error);
    if (out.errorKind === 'aborted') recordCutShort(recorder, t, outputTokens);
    return result;
  }

  // A reply asked to be JSON that is not: a whole answer, timed as one, but a failure of its own kind.
  const invalidJson = expectJson && toolCalls.length === 0 && !isJson(text);
  if (invalidJson) {
    result.errorKind = 'invalid_json';
    result.error = `invalid JSON in the reply: ${text.length > 80 ? text.slice(0, 80) + '…' : text}`;
    recorder.add('llm.errors.invalid_json', 1);
    recorder.add('llm.failures', 1);
    recorder.recordRequest({ method: 'POST', name, durationMs: t.e2eMs, bytes: out.bytes, error: 'invalid_json: the reply does not parse as JSON' });
  } else recorder.recordRequest({ method: 'POST', name, durationMs: t.e2eMs, bytes: out.bytes });
  recorder.add('llm.requests', 1);
  recorder.add('llm.input_tokens', result.inputTokens);
  recorder.add('llm.output_tokens', outputTokens);
  if (result.reasoningTokens > 0) recorder.add('llm.reasoning_tokens', result.reasoningTokens);
  recordCache(recorder, result);
  recorder.recordTrend('llm.e2e', t.e2eMs);
  if (t.ttftMs !== undefined) recorder.recordTrend('llm.ttft', t.ttftMs);
  if (t.ttfctMs !== undefined) recorder.recordTrend('llm.ttfct', t.ttfctMs);
  if (t.tpotMs !== undefined) recorder.recordTrend('llm.tpot', t.tpotMs);
  // Trends hold milliseconds; output speed is stored as its tok/s figure, read back unchanged.
  if (t.outputSpeed !== undefined) recorder.recordTrend('llm.output_speed', t.outputSpeed);
  recorder.recordTrendMany('llm.itl', t.itlMs);

  if (usage.outputTokens !== undefined && Math.abs(usage.outputTokens - localOutput) > TOKEN_MISMATCH_SHARE * Math.max(1, usage.outputTokens)) {
    recorder.add('llm.token_mismatch', 1);
    warnMismatch(warn, usage.outputTokens, localOutput, name);
  }
  if (slos.length > 0 && !invalidJson) {
    let itlSum = 0;
    for (const v of t.itlMs) itlSum += v;
    const itlMean = t.itlMs.length > 0 ? itlSum / t.itlMs.length : undefined;
    if (meetsSlos(slos, { ttftMs: t.ttftMs, ttfctMs: t.ttfctMs, tpotMs: t.tpotMs, itlMs: itlMean, e2eMs: t.e2eMs, outputSpeed: t.outputSpeed })) {
      recorder.add('llm.good', 1);
    }
  }
  return result;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A stream aborted by the run's stop (or its own signal) after its first token:
 * its TTFT was measured, and the tokens that arrived were generated, so both
 * count (llm.ttft, llm.ttfct, llm.output_tokens), with llm.cut_short. Its TPOT,
 * ITL and e2e describe an unfinished reply and are left out.
 */
function recordCutShort(recorder: LlmRecorder, t: { ttftMs: number | undefined; ttfctMs: number | undefined }, outputTokens: number): void {
  if (t.ttftMs === undefined) return;
  recorder.add('llm.cut_short', 1);
  recorder.recordTrend('llm.ttft', t.ttftMs);
  if (t.ttfctMs !== undefined) recorder.recordTrend('llm.ttfct', t.ttfctMs);
  if (outputTokens > 0) recorder.add('llm.output_tokens', outputTokens);
}

/** A failed or aborted request: aborted ones are counted apart and are not failures. */
export function recordFailure(recorder: LlmRecorder, name: string, out: ExchangeOutcome, message: string): void {
  const durationMs = out.endMs - out.startMs;
  recorder.add(`llm.errors.${out.errorKind}`, 1);
  if (out.errorKind === 'aborted') {
    recorder.recordRequest({ method: 'POST', name, durationMs, bytes: out.bytes, aborted: true });
    return;
  }
  recorder.recordRequest({ method: 'POST', name, durationMs, bytes: out.bytes, error: message });
  recorder.add('llm.requests', 1);
  recorder.add('llm.failures', 1);
}

/**
 * A successful embeddings or rerank request: latency and input tokens only.
 * Its E2E goes to its name's figures alone, not into the totals' or the
 * class's llm.e2e, which hold generation requests (docs/llm-metrics.md).
 */
export function recordSimple(recorder: LlmRecorder, name: string, out: ExchangeOutcome, inputTokens: number): void {
  const e2eMs = out.endMs - out.startMs;
  recorder.recordRequest({ method: 'POST', name, durationMs: e2eMs, bytes: out.bytes });
  recorder.add('llm.requests', 1);
  if (inputTokens > 0) recorder.add('llm.input_tokens', inputTokens);
  recorder.recordNameTrend?.('llm.e2e', e2eMs);
}

