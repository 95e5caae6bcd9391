// The names `--tokenizer` takes, apart from tokenizer.ts: config validation
// (config/schema.ts) checks a name on the main thread without loading tiktoken.
import { isTokenizerPath, OPEN_TOKENIZERS } from './hf-tokenizer.js';

/** The tiktoken encodings a scenario can pick with `tokenizer`. */
export const TOKENIZERS = ['cl100k_base', 'o200k_base'] as const;
export type TokenizerName = (typeof TOKENIZERS)[number];

/** Every tokenizer name `--tokenizer` takes (a path to a tokenizer.json too): tiktoken's, then the open models' (hf-tokenizer.ts). */
export const TOKENIZER_CHOICES: readonly string[] = [...TOKENIZERS, ...Object.keys(OPEN_TOKENIZERS)];

/** Why `--tokenizer name` is not a tokenizer at all (not a known name nor a path), or undefined. */
export function unknownTokenizerProblem(name: string): string | undefined {
  if (TOKENIZER_CHOICES.includes(name) || isTokenizerPath(name)) return undefined;
  return `unknown tokenizer "${name}": expected one of ${TOKENIZER_CHOICES.join(', ')}, or the path of a tokenizer.json`;
}
