import { deriveSeed, seededRandom } from '../util/random.js';
import type { BuiltPrompt, PromptSource } from './prompt.js';

/**
 * Shared prompt prefixes, as vLLM's `--prefix-repetition` builds them: `count`
 * prefixes of exactly `len` tokens, and every generated prompt starts with one
 * of them, drawn uniformly. A server with a prefix cache then reads those
 * tokens from its cache after their first request.
 *
 * Each prefix starts with the run's salt line (`salt`), so a cache warmed by an
 * earlier run, against the same server, does not answer this run's prefixes
 * (a warm cache inflates throughput by up to 2.3x, vLLM issue 52884). Without
 * a salt (--warm-cache) the prefixes are the same in every run.
 *
 * Prefix `i` is the salt line, then corpus text from a block chosen with a
 * random seeded by `i` alone (not the run's seed), ending in '\n' so the rest of
 * the prompt starts at a clean token boundary and the count stays exact.
 */
export class PrefixPool {
  private readonly prefixes = new Map<string, BuiltPrompt>();

  constructor(
    private readonly source: PromptSource,
    readonly count: number,
    readonly len: number,
    readonly salt: string | undefined,
  ) {}

  /** A prompt of exactly `inputTokens` tokens: a prefix drawn with `random`, then text cut from the dataset. */
  build(inputTokens: number, random: () => number): BuiltPrompt {
    const index = this.count > 1 ? Math.floor(random() * this.count) : 0;
    // A prompt no longer than the prefix is the prefix's own start (as PromptSource.build does).
    if (inputTokens <= this.len) return this.prefix(index, inputTokens);
    const p = this.prefix(index, this.len);
    const rest = this.source.build(inputTokens - p.tokens, random);
    return { text: p.text + rest.text, tokens: p.tokens + rest.tokens };
  }

  /** Prefix `index` cut to `n` tokens: the salt line, then text ending in '\n'. */
  prefix(index: number, n: number): BuiltPrompt {
    const key = `${index}:${n}`;
    let p = this.prefixes.get(key);
    if (p === undefined) {
      p = saltedText(this.source, n, () => seededRandom(deriveSeed(PREFIX_SEED, index)), this.salt === undefined ? undefined : `${this.salt}-${index}`);
      this.prefixes.set(key, p);
    }
    return p;
  }
}

/** Prefix texts do not depend on --seed: with --warm-cache two runs send the same prefixes whatever their seeds. */
const PREFIX_SEED = 0x5eed;

/** How many times the body's length is corrected before its count is taken as it is (never reached on real text). */
const MAX_ADJUSTMENTS = 12;

/**
 * `n` tokens: the line `salt` (when given and shorter than `n`), then dataset
 * text from a block chosen by `random()` (a fresh random each attempt, so each
 * attempt starts at the same block), ending in '\n'.
 */
export function saltedText(source: PromptSource, n: number, random: () => () => number, salt: string | undefined): BuiltPrompt {
  const tok = source.tokenizer;
  const saltLine = salt === undefined ? '' : `${salt}\n`;
  const saltTokens = saltLine === '' ? 0 : tok.count(saltLine);
  // The salt needs room for at least one token of text after it; a shorter prefix goes unsalted.
  const head = saltTokens > 0 && saltTokens < n ? saltLine : '';
  const want = n - (head === '' ? 0 : saltTokens);
  let k = Math.max(1, want - 1);
  let text = '';
  let count = -1;
  for (let i = 0; i < MAX_ADJUSTMENTS && count !== want; i++) {
    text = source.build(Math.max(1, k), random()).text + '\n';
    count = tok.count(text);
    k += want - count;
  }
  return { text: head + text, tokens: tok.count(head + text) };
}

/** A short salt for a run's prefixes: 8 hex digits. */
export function newPrefixSalt(): string {
  return Math.floor(Math.random() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
}

const pools = new WeakMap<PromptSource, Map<string, PrefixPool>>();

/** The worker's PrefixPool for a prompt source, pool size, prefix length and salt: every user of the worker draws from the same prefixes. */
export function prefixPool(source: PromptSource, count: number, len: number, salt: string | undefined): PrefixPool {
  let bySource = pools.get(source);
  if (bySource === undefined) {
    bySource = new Map();
    pools.set(source, bySource);
  }
  const key = `${count}:${len}:${salt ?? ''}`;
  let pool = bySource.get(key);
  if (pool === undefined) {
    pool = new PrefixPool(source, count, len, salt);
    bySource.set(key, pool);
  }
  return pool;
}
