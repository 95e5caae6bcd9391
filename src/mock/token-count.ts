import { get_encoding, type Tiktoken } from 'tiktoken';

// Created on first use: loading cl100k_base takes ~100 ms, and the CLI imports
// this module only when `bench mock` runs.
let encoder: Tiktoken | undefined;

// Benchmarks often send the same prompts again and again; BPE costs ~0.6 ms per
// 1,000 tokens plus a WASM call, so a small cache keeps repeats off the hot path.
const CACHE_LIMIT = 512;
const cache = new Map<string, number>();

/** Number of cl100k_base tokens in `text` (special-token text counted as ordinary text). */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  encoder ??= get_encoding('cl100k_base');
  const count = encoder.encode_ordinary(text).length;
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(text, count);
  return count;
}
