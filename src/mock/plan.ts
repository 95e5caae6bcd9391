import type { IncomingHttpHeaders } from 'node:http';
import { deriveSeed, seededRandom } from '../util/random.js';
import type { ResolvedMockOptions } from './options.js';
import { VOCABULARY_SIZE } from './vocabulary.js';

/** Per-request overrides a test sets with `x-mock-*` headers. */
export interface HeaderOverrides {
  ttftMs?: number;
  itlMs?: number;
  latencyMs?: number;
  tokensPerChunk?: number;
  errorStatus?: number;
  streamError?: boolean;
  breakAfterTokens?: number;
  stallMs?: number;
  brokenJson?: boolean;
}

/** Everything decided about one answer before it starts. Times are ms. */
export interface ResponsePlan {
  ttftMs: number;
  itlMs: number;
  jitterMs: number;
  tokensPerChunk: number;
  /** Output tokens, reasoning included. */
  outputTokens: number;
  reasoningTokens: number;
  /** Time before a non-streamed answer. */
  latencyMs: number;
  /** Send one token chunk, then an error event inside the 200 stream. */
  streamError: boolean;
  /** Destroy the socket once this many tokens are out. */
  breakAfterTokens?: number;
  /** Pause once, after this many tokens are out. */
  stall?: { afterTokens: number; ms: number };
  /** Where in the vocabulary the text starts, so answers differ. */
  startWord: number;
  /** A JSON reply (response_format) leaves out its closing `"}`, so it does not parse. */
  brokenJson: boolean;
  /** The content tokens form a tool call's arguments or a JSON reply (vocabulary.ts structuredText), set by the handler. */
  structured: 'tool' | 'json' | undefined;
  /** The request's random stream, for jitter. */
  random: () => number;
}

type HeaderRule = [header: string, field: keyof HeaderOverrides, min: number, max: number, integer: boolean];
const NUMERIC_HEADERS: HeaderRule[] = [
  ['x-mock-ttft-ms', 'ttftMs', 0, Infinity, false],
  ['x-mock-itl-ms', 'itlMs', 0, Infinity, false],
  ['x-mock-latency-ms', 'latencyMs', 0, Infinity, false],
  ['x-mock-tokens-per-chunk', 'tokensPerChunk', 1, Infinity, true],
  ['x-mock-error', 'errorStatus', 400, 599, true],
  ['x-mock-break-after', 'breakAfterTokens', 0, Infinity, true],
  ['x-mock-stall-ms', 'stallMs', 0, Infinity, false],
];

/** Reads the `x-mock-*` headers; returns a message naming every bad one, for a 400. */
export function readHeaderOverrides(headers: IncomingHttpHeaders): HeaderOverrides | string {
  const overrides: HeaderOverrides = {};
  const problems: string[] = [];
  for (const [header, field, min, max, integer] of NUMERIC_HEADERS) {
    const raw = headers[header];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (String(raw).trim() !== '' && value >= min && value <= max && (!integer || Number.isInteger(value))) {
      (overrides[field] as number) = value;
    } else {
      const range = max === Infinity ? `>= ${min}` : `from ${min} to ${max}`;
      problems.push(`${header}: expected ${integer ? 'an integer' : 'a number'} ${range}, got "${String(raw)}"`);
    }
  }
  const streamError = headers['x-mock-stream-error'];
  if (streamError !== undefined) overrides.streamError = streamError === '1' || streamError === 'true';
  const brokenJson = headers['x-mock-broken-json'];
  if (brokenJson !== undefined) overrides.brokenJson = brokenJson === '1' || brokenJson === 'true';
  return problems.length > 0 ? problems.join('; ') : overrides;
}

/** The request's own seeded stream: its faults and jitter do not depend on how requests interleave. */
export function requestRandom(options: ResolvedMockOptions, sequence: number): () => number {
  return seededRandom(deriveSeed(options.seed, sequence));
}

/** The error status to answer with instead, if any. Always the request's first draw. */
export function injectedFailure(options: ResolvedMockOptions, overrides: HeaderOverrides, random: () => number): number | undefined {
  const draw = random();
  if (overrides.errorStatus !== undefined) return overrides.errorStatus;
  return draw < options.errorRate ? options.errorStatus : undefined;
}

/**
 * Decides how one text answer goes, after injectedFailure. The draws happen in a
 * fixed order whatever the options are, so changing one rate does not change
 * which requests another rate hits.
 */
export function planResponse(
  options: ResolvedMockOptions,
  overrides: HeaderOverrides,
  random: () => number,
  outputTokens: number,
): ResponsePlan {
  const streamErrorDraw = random();
  const breakDraw = random();
  const stallDraw = random();
  const startWord = Math.floor(random() * VOCABULARY_SIZE);
  const brokenJsonDraw = random();

  const ttftMs = overrides.ttftMs ?? options.ttftMs;
  const itlMs = overrides.itlMs ?? options.itlMs;
  const half = Math.floor(outputTokens / 2);
  let breakAfterTokens = overrides.breakAfterTokens;
  if (breakAfterTokens === undefined && breakDraw < options.breakRate) breakAfterTokens = half;
  let stall: ResponsePlan['stall'];
  if (overrides.stallMs !== undefined) stall = { afterTokens: 1, ms: overrides.stallMs };
  else if (stallDraw < options.stallRate) stall = { afterTokens: Math.max(1, half), ms: options.stallMs };

  return {
    ttftMs,
    itlMs,
    jitterMs: options.jitterMs,
    tokensPerChunk: overrides.tokensPerChunk ?? options.tokensPerChunk,
    outputTokens,
    reasoningTokens: Math.min(options.reasoningTokens, outputTokens),
    latencyMs: overrides.latencyMs ?? options.latencyMs ?? ttftMs + itlMs * Math.max(0, outputTokens - 1),
    streamError: overrides.streamError ?? streamErrorDraw < options.streamErrorRate,
    breakAfterTokens,
    stall,
    startWord,
    brokenJson: overrides.brokenJson ?? brokenJsonDraw < options.brokenJsonRate,
    structured: undefined,
    random,
  };
}
