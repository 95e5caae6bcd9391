import type { ProviderAdapter, ProviderConfig } from './adapter.js';
import {
  openaiChatBody,
  openaiCompletionsBody,
  parseOpenAiChatEvent,
  parseOpenAiChatResponse,
  parseOpenAiCompletionEvent,
  parseOpenAiCompletionResponse,
  scanNumber,
} from './openai.js';

export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

/**
 * Azure OpenAI: OpenAI's bodies and events on deployment URLs, the key in an
 * `api-key` header, and an `api-version` query parameter. Azure rejects vLLM's
 * min_tokens/ignore_eos, so they are never sent.
 * Entra ID instead of the key: a token in AZURE_OPENAI_AD_TOKEN, sent as is,
 * or with providerOptions.azureAd a token from the client-credentials grant
 * (azure-ad-token.ts), refreshed before it expires. docs/providers.md#azure-ad-entra-id
 */
export function azureAdapter(cfg: ProviderConfig): ProviderAdapter {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream, application/json' };
  const staticToken = process.env.AZURE_OPENAI_AD_TOKEN;
  let sign: ProviderAdapter['sign'];
  if (staticToken) headers.authorization = `Bearer ${staticToken}`;
  else if (cfg.options?.azureAd === true) {
    sign = async () => ({ authorization: `Bearer ${await (await import('./azure-ad-token.js')).azureAdToken()}` });
  } else if (cfg.apiKey) headers['api-key'] = cfg.apiKey;
  const base = `/openai/deployments/${encodeURIComponent(cfg.deployment || cfg.model)}`;
  const query = `?api-version=${encodeURIComponent(cfg.apiVersion ?? DEFAULT_AZURE_API_VERSION)}`;
  const endpoint = (what: string) => ({ path: `${base}/${what}${query}`, name: `${base}/${what}` });
  return {
    provider: 'azure',
    headers,
    sign,
    chat: endpoint('chat/completions'),
    chatBody: (input) => openaiChatBody(input, false),
    parseChatEvent: (_event, data, out) => parseOpenAiChatEvent(data, out),
    parseChatResponse: parseOpenAiChatResponse,
    completions: endpoint('completions'),
    completionsBody: (input) => openaiCompletionsBody(input, false),
    parseCompletionEvent: parseOpenAiCompletionEvent,
    parseCompletionResponse: parseOpenAiCompletionResponse,
    embeddings: endpoint('embeddings'),
    embeddingsBody: (model, texts) => ({ model, input: texts.length === 1 ? texts[0] : texts }),
    embeddingsInputTokens: (text) => scanNumber(text, '"prompt_tokens":'),
  };
}
