import type { PromptSource, BuiltPrompt } from './prompt.js';
import type { TraceRecord } from './trace.js';

/** Tokens of a Mooncake hash block unless --trace-block-size says otherwise (Mooncake's own block size). */
export const DEFAULT_TRACE_BLOCK_TOKENS = 512;

/** How many times a length is corrected before settling (never reached on real text). */
const MAX_ADJUSTMENTS = 12;
/** Block texts kept per source; past this the memo starts over (bounded memory). */
const MAX_BLOCKS = 20_000;

const utf8 = new TextDecoder();
/** What ends a block, tried in turn until its count is exact. */
const ENDINGS = ['\n', ' \n', '\n\n', ' .\n'];

/**
 * Prompts of a Mooncake trace: hash id h is a block of text cut from the
 * dataset at a start that depends on h only, so requests that share hash ids
 * share the same leading text (the prefix a KV cache can reuse), and the
 * whole prompt counts `input_length` tokens with the run's tokenizer.
 *
 * Every block ends with '\n' and starts at a line start, the corpus's clean
 * boundaries (prompt.ts), so a prompt's count is the sum of its blocks' for
 * the regex pre-tokenizers; the total is checked anyway and the last block
 * (a request's own) is corrected until it is exact.
 */
export class TracePrompts {
  private readonly blocks = new Map<string, BuiltPrompt>();

  constructor(
    private readonly source: PromptSource,
    private readonly blockTokens = DEFAULT_TRACE_BLOCK_TOKENS,
  ) {}

  /** The prompt of a record with `input_length` (and maybe hash_ids): exactly that many tokens. */
  build(rec: TraceRecord): BuiltPrompt {
    const n = rec.inputTokens!;
    const ids = rec.hashIds?.length ? rec.hashIds : [-1 - rec.index];
    const size = this.blockTokens;
    // Blocks past the prompt's length are not sent; a last block takes what is left (more than a block if the ids are few).
    const used = Math.min(ids.length, Math.max(1, Math.ceil(n / size)));
    let head = '';
    let headTokens = 0;
    for (let b = 0; b < used - 1; b++) {
      const blk = this.block(ids[b]!, size);
      head += blk.text;
      headTokens += blk.tokens;
    }
    const lastId = ids[used - 1]!;
    const count = (t: string) => this.source.tokenizer.count(t);
    // The last block needs no line end after it: the first tokens of its block's text, as many as make n.
    const start = this.startOf(lastId);
    // The head ends with '\n' and the tail starts at a line start: their counts add (checked once at the end).
    const want = n - headTokens;
    let k = want;
    let tail = '';
    let tailTokens = -1;
    for (let i = 0; i < MAX_ADJUSTMENTS && tailTokens !== want; i++) {
      k = Math.max(1, k);
      tail = this.decode(start, k);
      tailTokens = count(tail);
      k += want - tailTokens;
    }
    let text = head + tail;
    let total = headTokens === 0 ? tailTokens : count(text);
    // A cut that cannot land exactly (never seen on real text): whole blocks with their endings.
    for (let want = n - headTokens, i = 0; i < MAX_ADJUSTMENTS && total !== n && want > 0; i++) {
      text = head + this.block(lastId, want).text;
      total = count(text);
      want += n - total;
    }
    return { text, tokens: total };
  }

  /** Where the text of hash id `id` starts in the corpus (a line start). */
  private startOf(id: number): number {
    const { blockStarts } = this.source.corpus;
    return blockStarts[mix(id) % blockStarts.length]!;
  }

  /** `tokens` tokens of text ending in '\n', from the corpus line start that `id` picks. */
  block(id: number, tokens: number): BuiltPrompt {
    const key = `${id}:${tokens}`;
    let b = this.blocks.get(key);
    if (b) return b;
    const start = this.startOf(id);
    let text = '';
    let count = -1;
    // A cut next to a line end can merge with the '\n' that ends the block ('.' + '\n' is one token): then
    // the count jumps over `tokens`, and another ending settles it.
    for (const ending of ENDINGS) {
      let k = tokens - 1;
      for (let i = 0; i < MAX_ADJUSTMENTS && count !== tokens; i++) {
        k = Math.max(0, k);
        text = this.decode(start, k) + ending;
        count = this.source.tokenizer.count(text);
        k += tokens - count;
      }
      if (count === tokens) break;
    }
    b = { text, tokens: count };
    if (this.blocks.size >= MAX_BLOCKS) this.blocks.clear();
    this.blocks.set(key, b);
    return b;
  }

  /** `n` tokens of the corpus from token `start`, wrapping around at its end. */
  private decode(start: number, n: number): string {
    const { bytes, byteOffsets, tokens } = this.source.corpus;
    const total = tokens.length;
    let out = '';
    let from = start;
    let left = n;
    while (left > 0) {
      const to = Math.min(total, from + left);
      out += utf8.decode(bytes.subarray(byteOffsets[from], byteOffsets[to]));
      left -= to - from;
      from = 0;
    }
    return out;
  }
}

/** A 32-bit integer hash, so neighbouring hash ids start far apart in the corpus. */
function mix(id: number): number {
  let h = (id ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const perSource = new WeakMap<PromptSource, Map<number, TracePrompts>>();

/** The worker's TracePrompts for a prompt source and block size. */
export function tracePrompts(source: PromptSource, blockTokens = DEFAULT_TRACE_BLOCK_TOKENS): TracePrompts {
  let bySize = perSource.get(source);
  if (!bySize) perSource.set(source, (bySize = new Map()));
  let t = bySize.get(blockTokens);
  if (!t) bySize.set(blockTokens, (t = new TracePrompts(source, blockTokens)));
  return t;
}
