import { getTokenizer } from '../workload/tokenizer.js';
import { asObject, readModel } from './dialects/dialect.js';
import { base64Embedding, embeddingOf, relevanceOf } from './vectors.js';

/** A ready answer body and the input it counted, or a message for a 400. */
export type VectorAnswer = { body: unknown; inputTokens: number } | string;

interface VectorSettings {
  id: string;
  dim: number;
  seed: number;
}

function readDim(body: Record<string, unknown>, field: string, fallback: number): number | string {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65536) {
    return `${field}: expected an integer from 1 to 65536, got ${JSON.stringify(value)}`;
  }
  return value;
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) return value as string[];
  return undefined;
}

/** OpenAI `POST /v1/embeddings`: input is a string, strings, or token ids. */
export function openaiEmbeddings(raw: unknown, settings: VectorSettings): VectorAnswer {
  const body = asObject(raw);
  if (typeof body === 'string') return body;
  const dim = readDim(body, 'dimensions', settings.dim);
  if (typeof dim === 'string') return dim;
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') return `encoding_format: expected "float" or "base64", got ${JSON.stringify(format)}`;

  // Token-id inputs embed by their ids' text; they count one token per id.
  let texts = stringList(body.input);
  let inputTokens = 0;
  if (body.input === undefined && Array.isArray(body.messages)) {
    // vLLM's multimodal form: one embedding of a chat message's text and images.
    const read = readMessages(body.messages);
    if (typeof read === 'string') return read;
    texts = [read.key];
    inputTokens = read.tokens;
  } else if (texts) {
    const tokenizer = getTokenizer('cl100k_base');
    for (const text of texts) inputTokens += tokenizer.count(text);
  } else if (Array.isArray(body.input) && body.input.length > 0) {
    const items = body.input as unknown[];
    const ids = items.every((item) => typeof item === 'number') ? [items as number[]] : items;
    if (!ids.every((item) => Array.isArray(item) && item.every((id) => typeof id === 'number'))) {
      return 'input: expected a string, an array of strings or token ids';
    }
    texts = (ids as number[][]).map((list) => list.join(','));
    inputTokens = (ids as number[][]).reduce((sum, list) => sum + list.length, 0);
  } else {
    return 'input: expected a string, an array of strings or token ids';
  }

  const data = texts.map((text, index) => {
    const values = embeddingOf(text, dim, settings.seed);
    return { object: 'embedding', index, embedding: format === 'base64' ? base64Embedding(values) : values };
  });
  return {
    body: { object: 'list', data, model: readModel(body, 'mock-embedding'), usage: { prompt_tokens: inputTokens, total_tokens: inputTokens } },
    inputTokens,
  };
}

/** Cohere v2 `POST /v2/embed`: `texts` (or `inputs` with text content); float embeddings. */
export function cohereEmbed(raw: unknown, settings: VectorSettings): VectorAnswer {
  const body = asObject(raw);
  if (typeof body === 'string') return body;
  const dim = readDim(body, 'output_dimension', settings.dim);
  if (typeof dim === 'string') return dim;
  let texts = Array.isArray(body.texts) ? stringList(body.texts) : undefined;
  let imageTokens = 0;
  if (!texts && Array.isArray(body.images) && body.images.length > 0) {
    // Image embeddings: `images` as data URLs, input_type 'image'.
    const images = body.images as unknown[];
    if (!images.every((url) => typeof url === 'string' && url.startsWith('data:image/'))) return 'images: expected data URLs (data:image/png;base64,…)';
    texts = images.map((url) => (url as string).slice(-64));
    imageTokens = images.reduce<number>((sum, url) => sum + imageTokensOf(url as string), 0);
  }
  if (!texts && Array.isArray(body.inputs)) {
    texts = (body.inputs as unknown[]).map((input) => JSON.stringify(input));
  }
  if (!texts) return 'texts: expected a non-empty array of strings';
  const types = body.embedding_types ?? ['float'];
  if (!Array.isArray(types) || types.some((type) => type !== 'float')) {
    return `embedding_types: the mock serves ["float"] only, got ${JSON.stringify(types)}`;
  }
  const inputTokens = imageTokens > 0 ? imageTokens : texts.reduce((sum, text) => sum + getTokenizer('cl100k_base').count(text), 0);
  return {
    body: {
      id: settings.id,
      embeddings: { float: texts.map((text) => embeddingOf(text, dim, settings.seed)) },
      texts: Array.isArray(body.texts) ? texts : [],
      meta: { api_version: { version: '2' }, billed_units: { input_tokens: inputTokens } },
      response_type: 'embeddings_by_type',
    },
    inputTokens,
  };
}

/** Cohere v2 `POST /v2/rerank`: scores are stable per (query, document), best first. */
export function cohereRerank(raw: unknown, settings: VectorSettings): VectorAnswer {
  const body = asObject(raw);
  if (typeof body === 'string') return body;
  if (typeof body.query !== 'string') return 'query: expected a string';
  const query = body.query;
  const documents = Array.isArray(body.documents) ? body.documents.map((doc) => (typeof doc === 'string' ? doc : JSON.stringify(doc))) : undefined;
  if (!documents || documents.length === 0) return 'documents: expected a non-empty array';
  const topN = body.top_n ?? documents.length;
  if (typeof topN !== 'number' || !Number.isInteger(topN) || topN < 1) return `top_n: expected an integer >= 1, got ${JSON.stringify(topN)}`;
  const results = documents
    .map((doc, index) => ({ index, relevance_score: relevanceOf(query, doc, settings.seed) }))
    .sort((a, b) => b.relevance_score - a.relevance_score)
    .slice(0, topN);
  const tokenizer = getTokenizer('cl100k_base');
  const inputTokens = tokenizer.count(query) * documents.length + documents.reduce((sum, doc) => sum + tokenizer.count(doc), 0);
  return {
    body: {
      id: settings.id,
      results,
      // Cohere bills one search unit per query and up to 100 documents.
      meta: { api_version: { version: '2' }, billed_units: { search_units: Math.ceil(documents.length / 100) } },
    },
    inputTokens,
  };
}

/** Pixels per side of one image token: Qwen2-VL's 28×28 patches, a common rule for vision encoders. */
export const IMAGE_PATCH_SIDE = 28;
/** Tokens of an image whose size the mock cannot read (not a PNG). */
const UNKNOWN_IMAGE_TOKENS = 256;

/** Input tokens of one image data URL: ceil(w/28)·ceil(h/28) from its PNG header. */
export function imageTokensOf(url: string): number {
  const comma = url.indexOf(',');
  if (comma < 0 || !url.slice(0, comma).endsWith(';base64')) return UNKNOWN_IMAGE_TOKENS;
  const head = Buffer.from(url.slice(comma + 1, comma + 1 + 32), 'base64');
  if (head.length < 24 || head.readUInt32BE(0) !== 0x89504e47) return UNKNOWN_IMAGE_TOKENS;
  const width = head.readUInt32BE(16);
  const height = head.readUInt32BE(20);
  return Math.ceil(width / IMAGE_PATCH_SIDE) * Math.ceil(height / IMAGE_PATCH_SIDE);
}

/** The text and images of vLLM-style embedding `messages`: a key to embed, and the tokens they count. */
function readMessages(messages: unknown[]): { key: string; tokens: number } | string {
  const tokenizer = getTokenizer('cl100k_base');
  let key = '';
  let tokens = 0;
  for (const m of messages) {
    const content = (m as { content?: unknown } | null)?.content;
    if (typeof content === 'string') {
      key += content;
      tokens += tokenizer.count(content);
      continue;
    }
    if (!Array.isArray(content)) return 'messages: expected messages with string or array content';
    for (const part of content as Array<Record<string, unknown>>) {
      if (part?.type === 'text' && typeof part.text === 'string') {
        key += part.text;
        tokens += tokenizer.count(part.text);
      } else if (part?.type === 'image_url' && typeof (part.image_url as { url?: unknown } | undefined)?.url === 'string') {
        const url = (part.image_url as { url: string }).url;
        key += url.slice(-64);
        tokens += imageTokensOf(url);
      } else return `messages: unsupported content part ${JSON.stringify(part?.type)}`;
    }
  }
  return { key, tokens };
}
