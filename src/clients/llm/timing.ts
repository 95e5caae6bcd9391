import type { Tokenizer } from '../../workload/tokenizer.js';

/** The per-request LLM metrics, in milliseconds (docs/llm-metrics.md has the definitions). */
export interface LlmTimings {
  ttftMs: number | undefined;
  ttfctMs: number | undefined;
  e2eMs: number;
  tpotMs: number | undefined;
  /** 1000 / TPOT, tokens per second. */
  outputSpeed: number | undefined;
  itlMs: number[];
}

export interface TimingInput {
  startMs: number;
  endMs: number;
  firstTokenMs: number | undefined;
  firstContentMs: number | undefined;
  chunkTimes: readonly number[];
  /** Tokens carried by each chunk; undefined means one token per chunk. */
  tokensPerChunk?: ArrayLike<number>;
  outputTokens: number;
}

export function computeTimings(t: TimingInput): LlmTimings {
  const e2eMs = t.endMs - t.startMs;
  const ttftMs = t.firstTokenMs === undefined ? undefined : t.firstTokenMs - t.startMs;
  const ttfctMs = t.firstContentMs === undefined ? undefined : t.firstContentMs - t.startMs;
  const tpotMs = ttftMs !== undefined && t.outputTokens > 1 ? (e2eMs - ttftMs) / (t.outputTokens - 1) : undefined;
  const outputSpeed = tpotMs !== undefined && tpotMs > 0 ? 1000 / tpotMs : undefined;
  const times = t.chunkTimes;
  const itlMs: number[] = new Array(Math.max(0, times.length - 1));
  const per = t.tokensPerChunk;
  for (let i = 1; i < times.length; i++) {
    const gap = times[i]! - times[i - 1]!;
    const n = per === undefined ? 1 : per[i]!;
    itlMs[i - 1] = n > 1 ? gap / n : gap;
  }
  return { ttftMs, ttfctMs, e2eMs, tpotMs, outputSpeed, itlMs };
}

/**
 * How many tokens of `tokens` (the tokenizer's encoding of the pieces joined)
 * end inside each piece. A token that straddles two pieces belongs to the piece
 * where it ends. Maps the one whole-text encoding onto the streamed pieces, so
 * no piece is encoded on its own.
 */
export function tokensPerPiece(pieces: readonly string[], tokens: Uint32Array, tok: Tokenizer): Uint32Array {
  const out = new Uint32Array(pieces.length);
  let ti = 0;
  let tokenEnd = 0;
  let pieceEnd = 0;
  for (let i = 0; i < pieces.length; i++) {
    pieceEnd += Buffer.byteLength(pieces[i]!, 'utf8');
    let n = 0;
    while (ti < tokens.length) {
      const len = tok.tokenByteLength(tokens[ti]!);
      if (tokenEnd + len > pieceEnd) break;
      tokenEnd += len;
      ti++;
      n++;
    }
    out[i] = n;
  }
  if (pieces.length > 0) out[pieces.length - 1]! += tokens.length - ti;
  return out;
}

/** chunkRefs value of the first tool-argument piece: content refs are >= 0, reasoning refs < 0, and no stream has 2^30 pieces. */
export const TOOL_REF = 2 ** 30;

/** Tokens per stream chunk from the per-piece counts of content, reasoning and tool arguments (see ExchangeOutcome.chunkRefs). */
export function tokensPerChunk(chunkRefs: readonly number[], content: Uint32Array, reasoning: Uint32Array, tool: Uint32Array = new Uint32Array(0)): Uint32Array {
  const out = new Uint32Array(chunkRefs.length);
  for (let i = 0; i < chunkRefs.length; i++) {
    const ref = chunkRefs[i]!;
    out[i] = ref >= TOOL_REF ? tool[ref - TOOL_REF]! : ref >= 0 ? content[ref]! : reasoning[-ref - 1]!;
  }
  return out;
}
