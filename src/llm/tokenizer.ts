import { get_encoding, type Tiktoken } from 'tiktoken';
import { UserError } from '../errors.js';

/** The tiktoken encodings a scenario can pick with `tokenizer`. */
export const TOKENIZERS = ['cl100k_base', 'o200k_base'] as const;
export type TokenizerName = (typeof TOKENIZERS)[number];

/**
 * A tiktoken encoder with the few operations the LLM side needs. Counting uses
 * `encode_ordinary`, so text that happens to contain `<|endoftext|>` is counted
 * as text instead of throwing.
 */
export interface Tokenizer {
  readonly name: TokenizerName;
  count(text: string): number;
  encode(text: string): Uint32Array;
  /** Decodes tokens to UTF-8 bytes (a token may hold part of a character). */
  decodeBytes(tokens: Uint32Array): Uint8Array;
  /** Byte length of one token, for mapping tokens onto streamed pieces. */
  tokenByteLength(token: number): number;
}

// Building an encoder parses a multi-megabyte BPE table: once per worker and name.
const encoders = new Map<TokenizerName, Tokenizer>();

export function getTokenizer(name: string = 'cl100k_base'): Tokenizer {
  if (!(TOKENIZERS as readonly string[]).includes(name)) {
    throw new UserError(`unknown tokenizer "${name}"`, `use one of ${TOKENIZERS.join(', ')}`);
  }
  const known = name as TokenizerName;
  let t = encoders.get(known);
  if (t === undefined) {
    t = wrap(known, get_encoding(known));
    encoders.set(known, t);
  }
  return t;
}

function wrap(name: TokenizerName, enc: Tiktoken): Tokenizer {
  const byteLengths = new Map<number, number>();
  return {
    name,
    count: (text) => (text.length === 0 ? 0 : enc.encode_ordinary(text).length),
    encode: (text) => enc.encode_ordinary(text),
    decodeBytes: (tokens) => enc.decode(tokens),
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

const utf8 = new TextDecoder();

/** Decodes UTF-8 bytes; a character cut in half becomes U+FFFD. */
export function bytesToText(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}
