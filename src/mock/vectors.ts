import { seededRandom } from '../util/random.js';

/** FNV-1a over the UTF-16 code units: a cheap, stable seed per text. */
function hashText(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * A unit vector that depends only on the text and the seed, so the same text
 * always embeds the same way and similar benchmarks are reproducible.
 * Values are rounded to 6 decimals to keep the JSON small.
 */
export function embeddingOf(text: string, dim: number, seed: number): number[] {
  const random = seededRandom(hashText(text, seed));
  const values = new Array<number>(dim);
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    const v = random() * 2 - 1;
    values[i] = v;
    norm += v * v;
  }
  const scale = 1 / Math.sqrt(norm || 1);
  for (let i = 0; i < dim; i++) values[i] = Math.round(values[i]! * scale * 1e6) / 1e6;
  return values;
}

/** The vector as OpenAI's `encoding_format: "base64"` sends it: little-endian float32. */
export function base64Embedding(values: readonly number[]): string {
  const floats = new Float32Array(values);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

/** A relevance score in [0, 1) for a query and a document, stable per pair. */
export function relevanceOf(query: string, document: string, seed: number): number {
  return seededRandom(hashText(document, hashText(query, seed)))();
}
