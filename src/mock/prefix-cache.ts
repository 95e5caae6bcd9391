/**
 * The mock's prefix cache, in the way of vLLM's automatic prefix caching: a
 * prompt's tokens are cut into blocks of `blockTokens`, each block is known by
 * a hash of itself and every block before it, and a request's cached tokens are
 * its leading blocks that an earlier request left in the cache. Only full
 * blocks are kept, and the last token of a prompt is always computed, so a
 * request never reports all of its input as cached. The cache holds at most
 * `capacityBlocks` blocks and forgets the least recently used first.
 *
 * It gives tests and runs against the mock a ground truth for the cached
 * tokens that a client sums (usage `prompt_tokens_details.cached_tokens`).
 */
export class PrefixCache {
  /** Block hashes in least-recently-used order (a Map keeps insertion order; a hit moves a block to the end). */
  private readonly blocks = new Map<number, true>();

  constructor(
    readonly blockTokens = 16,
    readonly capacityBlocks = 65_536,
  ) {}

  get size(): number {
    return this.blocks.size;
  }

  /** Looks the prompt's blocks up, keeps every full block, and returns how many of its tokens were cached. */
  admit(tokens: Uint32Array): number {
    const b = this.blockTokens;
    const full = Math.floor(tokens.length / b);
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    let hits = 0;
    let missed = false;
    for (let block = 0; block < full; block++) {
      // Two 32-bit FNV-1a style hashes chained over every token so far, 53 bits together.
      for (let i = block * b, end = i + b; i < end; i++) {
        const t = tokens[i]!;
        h1 = Math.imul(h1 ^ t, 0x01000193) >>> 0;
        h2 = Math.imul(h2 ^ (t + 0x9e3779b9), 0x85ebca6b) >>> 0;
        h2 ^= h2 >>> 13;
      }
      const key = h1 * 0x200000 + (h2 >>> 11);
      if (!missed && this.blocks.has(key)) {
        hits++;
        this.blocks.delete(key);
      } else missed = true;
      this.blocks.set(key, true);
    }
    while (this.blocks.size > this.capacityBlocks) this.blocks.delete(this.blocks.keys().next().value!);
    // The last token is always computed (its logits start the answer).
    return Math.min(hits * b, Math.floor(Math.max(0, tokens.length - 1) / b) * b);
  }

  clear(): void {
    this.blocks.clear();
  }
}
