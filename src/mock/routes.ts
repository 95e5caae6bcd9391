import type { TextDialect } from './dialects/dialect.js';
import { anthropicMessages } from './dialects/anthropic-messages.js';
import { cohereChat } from './dialects/cohere-chat.js';
import { openaiChat } from './dialects/openai-chat.js';
import { openaiCompletions } from './dialects/openai-completions.js';
import { openaiResponses } from './dialects/openai-responses.js';
import type { ErrorShape } from './errors.js';
import type { CloudAuthKind } from './cloud-auth.js';
import { matchCloudRoute } from './cloud-routes.js';

/** What an API path serves. */
export type Endpoint =
  | { kind: 'text'; dialect: TextDialect }
  | { kind: 'openai-embeddings' }
  | { kind: 'cohere-embed' }
  | { kind: 'cohere-rerank' }
  | { kind: 'openai-images' }
  | { kind: 'openai-speech' }
  | { kind: 'openai-transcriptions' };

/** A matched POST route. */
export interface ApiRoute {
  endpoint: Endpoint;
  errorShape: ErrorShape;
  idPrefix: string;
  /** The header that must carry a key, if the vendor requires one. */
  apiKeyHeader?: 'api-key' | 'x-api-key';
  /** Azure names the model by deployment, in the path. */
  model?: string;
  /** The cloud dialects' credential check (cloud-auth.ts). */
  auth?: CloudAuthKind;
}

const openaiEmbeddingsRoute: Endpoint = { kind: 'openai-embeddings' };
const ROUTES: Record<string, ApiRoute> = {
  '/v1/chat/completions': { endpoint: { kind: 'text', dialect: openaiChat }, errorShape: 'openai', idPrefix: openaiChat.idPrefix },
  '/v1/completions': { endpoint: { kind: 'text', dialect: openaiCompletions }, errorShape: 'openai', idPrefix: openaiCompletions.idPrefix },
  '/v1/responses': { endpoint: { kind: 'text', dialect: openaiResponses }, errorShape: 'openai', idPrefix: openaiResponses.idPrefix },
  '/v1/embeddings': { endpoint: openaiEmbeddingsRoute, errorShape: 'openai', idPrefix: 'embd-' },
  '/v1/messages': { endpoint: { kind: 'text', dialect: anthropicMessages }, errorShape: 'anthropic', idPrefix: anthropicMessages.idPrefix, apiKeyHeader: 'x-api-key' },
  '/v2/chat': { endpoint: { kind: 'text', dialect: cohereChat }, errorShape: 'cohere', idPrefix: cohereChat.idPrefix },
  '/v2/embed': { endpoint: { kind: 'cohere-embed' }, errorShape: 'cohere', idPrefix: '' },
  '/v2/rerank': { endpoint: { kind: 'cohere-rerank' }, errorShape: 'cohere', idPrefix: '' },
  // vLLM and Jina serve Cohere's rerank body at /v1/rerank.
  '/v1/rerank': { endpoint: { kind: 'cohere-rerank' }, errorShape: 'openai', idPrefix: 'rerank-' },
  '/v1/images/generations': { endpoint: { kind: 'openai-images' }, errorShape: 'openai', idPrefix: 'img-' },
  '/v1/audio/speech': { endpoint: { kind: 'openai-speech' }, errorShape: 'openai', idPrefix: 'speech-' },
  '/v1/audio/transcriptions': { endpoint: { kind: 'openai-transcriptions' }, errorShape: 'openai', idPrefix: 'stt-' },
};

const AZURE = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|completions|embeddings)$/;

/** The POST route for `path`, Azure's deployment paths included. */
export function matchApiRoute(path: string): ApiRoute | undefined {
  const route = ROUTES[path];
  if (route) return route;
  const azure = AZURE.exec(path);
  if (!azure) return matchCloudRoute(path);
  const same = ROUTES[`/v1/${azure[2]}`]!;
  return { ...same, apiKeyHeader: 'api-key', model: safeDecode(azure[1]!) };
}

/** True for paths that exist but only for another method, for a 405 rather than a 404. */
export function isKnownPath(path: string): boolean {
  return path in ROUTES || AZURE.test(path) || matchCloudRoute(path) !== undefined || path === '/v1/models' || path === '/health' || path === '/metrics' || path === '/mock/ground-truth';
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
