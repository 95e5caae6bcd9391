import type { Dataset, DatasetRecord } from './dataset.js';
import { recordText } from './dataset.js';
import type { Tokenizer } from './tokenizer.js';

/**
 * Cuts prompts of an exact token count out of a dataset.
 *
 * Why blocks: the corpus is split at every line start that follows a '\n' and
 * begins with a non-space character. No pre-token of cl100k/o200k spans such a
 * point, so the encoding of any text made of whole blocks is the concatenation of
 * the blocks' encodings. A prompt that starts at a block start therefore has a
 * known count, and only its tail (from the last block start to the cut) needs
 * re-encoding to verify the cut, instead of the whole prompt.
 */
export interface TokenizedCorpus {
  tokens: Uint32Array;
  /** Token index where each block starts, ascending; blockStarts[0] === 0. */
  blockStarts: Uint32Array;
  /** The corpus as UTF-8, and where each token starts in it (one more entry for the end). */
  bytes: Uint8Array;
  byteOffsets: Uint32Array;
}

/** How many times a cut is moved before giving up on exactness (never reached on real text). */
const MAX_ADJUSTMENTS = 12;

/** Characters of prompts kept for reuse per source; past this the cache starts over (bounded memory). */
const MAX_CACHED_CHARS = 8 * 1024 * 1024;

export function tokenizeCorpus(text: string, tok: Tokenizer): TokenizedCorpus {
  // The dataset keeps its corpus within MAX_CORPUS_CHARS, taken from the whole file (dataset.ts).
  let corpus = text.trimStart();
  if (!corpus.endsWith('\n')) corpus += '\n';
  const parts: Uint32Array[] = [];
  const starts: number[] = [];
  let total = 0;
  let from = 0;
  const boundary = /\n(?=\S)/g;
  for (;;) {
    const m = boundary.exec(corpus);
    const to = m ? m.index + 1 : corpus.length;
    const t = tok.encode(corpus.slice(from, to));
    starts.push(total);
    parts.push(t);
    total += t.length;
    if (!m) break;
    from = to;
  }
  const tokens = new Uint32Array(total);
  let at = 0;
  for (const p of parts) {
    tokens.set(p, at);
    at += p.length;
  }
  // The tokens' bytes concatenate to the corpus bytes, so a token range is a byte range:
  // decoding a prompt is a slice and one UTF-8 decode, not a call into tiktoken.
  const byteOffsets = new Uint32Array(total + 1);
  for (let i = 0; i < total; i++) byteOffsets[i + 1] = byteOffsets[i]! + tok.tokenByteLength(tokens[i]!);
  const bytes = Buffer.from(corpus, 'utf8');
  if (byteOffsets[total] !== bytes.length) throw new Error(`volley: corpus tokens cover ${byteOffsets[total]} of ${bytes.length} bytes`);
  return { tokens, blockStarts: Uint32Array.from(starts), bytes, byteOffsets };
}

const utf8 = new TextDecoder();

/** Largest block start <= pos (binary search). */
function blockAtOrBefore(starts: Uint32Array, pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return starts[lo]!;
}

/** A prompt with its token count (exact unless `exact` is false). */
export interface BuiltPrompt {
  text: string;
  tokens: number;
}

/** Per (dataset, tokenizer): the tokenized corpus and caches, shared by every user of a worker. */
export class PromptSource {
  private corpusCache?: TokenizedCorpus;
  private prefixes = new Map<number, BuiltPrompt>();
  private recordInputTokens?: Int32Array;
  private recordOutputTokens?: Int32Array;
  /**
   * Cuts by (token count, start block). A cut is a pure function of the two,
   * and checking it costs a tiktoken encode of its tail: with a fixed or
   * narrow traffic shape, the same few thousand prompts come back all the time.
   */
  private cuts = new Map<number, BuiltPrompt>();
  private cutChars = 0;
  private flatText?: string;

  constructor(
    readonly dataset: Dataset,
    readonly tokenizer: Tokenizer,
  ) {}

  get corpus(): TokenizedCorpus {
    return (this.corpusCache ??= tokenizeCorpus(this.dataset.corpus, this.tokenizer));
  }

  /**
   * A prompt of exactly `inputTokens` tokens: the shared prefix of `prefixLen`
   * tokens (ending in '\n'), then text from a block chosen with `random`.
   */
  build(inputTokens: number, random: () => number, prefixLen = 0): BuiltPrompt {
    if (prefixLen > 0) {
      if (inputTokens <= prefixLen) return this.prefix(inputTokens);
      const p = this.prefix(prefixLen);
      const rest = this.cut(inputTokens - p.tokens, random);
      return { text: p.text + rest.text, tokens: p.tokens + rest.tokens };
    }
    return this.cut(inputTokens, random);
  }

  /**
   * Exactly `n` characters of the corpus from a random start, whitespace
   * folded to single spaces (text to speech counts characters, not tokens).
   */
  chars(n: number, random: () => number): string {
    const text = (this.flatText ??= this.dataset.corpus.replace(/\s+/g, ' ').trim() || 'text');
    let out = '';
    let at = Math.floor(random() * text.length);
    while (out.length < n) {
      out += text.slice(at, at + (n - out.length));
      at = 0;
    }
    return out;
  }

  /** The first `n` tokens of the corpus as text ending in '\n', so what follows starts at a clean boundary. */
  prefix(n: number): BuiltPrompt {
    let p = this.prefixes.get(n);
    if (p !== undefined) return p;
    const { tokens } = this.corpus;
    let k = n - 1;
    let text = '';
    let count = -1;
    for (let i = 0; i < MAX_ADJUSTMENTS && count !== n; i++) {
      k = Math.max(0, k);
      text = this.decodeRange(0, k, tokens.length) + '\n';
      count = this.tokenizer.encode(text).length;
      k += n - count;
    }
    p = { text, tokens: count };
    this.prefixes.set(n, p);
    return p;
  }

  /** `n` tokens from a random block start, wrapping around the corpus as often as needed. */
  private cut(n: number, random: () => number): BuiltPrompt {
    const { blockStarts } = this.corpus;
    const block = Math.floor(random() * blockStarts.length);
    const key = n * blockStarts.length + block;
    let p = this.cuts.get(key);
    if (p === undefined) {
      p = this.cutAt(n, blockStarts[block]!);
      if (this.cutChars + p.text.length > MAX_CACHED_CHARS) {
        this.cuts.clear();
        this.cutChars = 0;
      }
      this.cuts.set(key, p);
      this.cutChars += p.text.length;
    }
    return p;
  }

  private cutAt(n: number, start: number): BuiltPrompt {
    const { tokens, blockStarts } = this.corpus;
    const total = tokens.length;
    // Whole passes through the corpus end at its final '\n' and restart at block 0: clean joins.
    const chunks: string[] = [];
    let from = start;
    let remaining = n;
    while (remaining > total - from) {
      chunks.push(this.decodeRange(from, total, total));
      remaining -= total - from;
      from = 0;
    }
    let cut = from + remaining;
    const tailStart = Math.max(from, blockAtOrBefore(blockStarts, cut));
    const head = tailStart > from ? this.decodeRange(from, tailStart, total) : '';
    const target = cut - tailStart;
    let tail = '';
    let tailCount = target;
    if (target > 0) {
      // The cut may split a pre-token or a character; re-encode the tail and move the cut until it counts right.
      for (let i = 0; i < MAX_ADJUSTMENTS; i++) {
        tail = this.decodeRange(tailStart, cut, total);
        tailCount = this.tokenizer.encode(tail).length;
        if (tailCount === target) break;
        const next = Math.min(total, Math.max(tailStart + 1, cut + target - tailCount));
        if (next === cut) break;
        cut = next;
      }
    }
    chunks.push(head, tail);
    return { text: chunks.join(''), tokens: n - target + tailCount };
  }

  /** Text of tokens [from, to); a range that cuts a character in half decodes it as U+FFFD, as tiktoken's decode would. */
  private decodeRange(from: number, to: number, total: number): string {
    if (to <= from) return '';
    const { bytes, byteOffsets } = this.corpus;
    return utf8.decode(bytes.subarray(byteOffsets[from], byteOffsets[Math.min(to, total)]));
  }

  /** A record for `dataset` traffic, with its input and reference output counts (counted once, then cached). */
  record(random: () => number): { record: DatasetRecord; inputTokens: number; outputTokens: number | undefined } {
    const records = this.dataset.records;
    const i = Math.floor(random() * records.length);
    const record = records[i]!;
    const inputs = (this.recordInputTokens ??= new Int32Array(records.length).fill(-1));
    if (inputs[i] === -1) inputs[i] = this.tokenizer.count(recordText(record));
    let outputTokens: number | undefined;
    if (record.completion !== undefined) {
      const outputs = (this.recordOutputTokens ??= new Int32Array(records.length).fill(-1));
      if (outputs[i] === -1) outputs[i] = Math.max(1, this.tokenizer.count(record.completion));
      outputTokens = outputs[i];
    }
    return { record, inputTokens: inputs[i]!, outputTokens };
  }
}

const sources = new WeakMap<Dataset, Map<string, PromptSource>>();

/** The worker's PromptSource for a dataset and tokenizer. */
export function promptSource(dataset: Dataset, tokenizer: Tokenizer): PromptSource {
  let byTok = sources.get(dataset);
  if (byTok === undefined) {
    byTok = new Map();
    sources.set(dataset, byTok);
  }
  let s = byTok.get(tokenizer.name);
  if (s === undefined) {
    s = new PromptSource(dataset, tokenizer);
    byTok.set(tokenizer.name, s);
  }
  return s;
}
