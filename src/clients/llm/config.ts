import type { LLMUser, LlmProvider } from '../../api/llm.js';
import { UserError } from '../../errors.js';
import type { ProviderAdapter, ProviderConfig } from './adapter.js';
import { anthropicAdapter } from './anthropic.js';
import { azureAdapter } from './azure.js';
import { cohereAdapter } from './cohere.js';
import { openaiAdapter } from './openai.js';

/** Providers by name: one adapter factory each. */
export const PROVIDERS: Record<LlmProvider, (cfg: ProviderConfig) => ProviderAdapter> = {
  openai: openaiAdapter,
  azure: azureAdapter,
  anthropic: anthropicAdapter,
  cohere: cohereAdapter,
};

export const DEFAULT_API_KEY_ENV: Record<LlmProvider, string> = {
  openai: 'OPENAI_API_KEY',
  azure: 'AZURE_OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  cohere: 'CO_API_KEY',
};

/** What a client needs to reach its server, resolved once when the client is created. */
export interface ResolvedTarget {
  adapter: ProviderAdapter;
  /** undefined when neither --host nor the user's `host` is set: requests then fail with a UserError. */
  origin: string | undefined;
  basePath: string;
  apiKey: string | undefined;
}

/** The environment variable a user's API key is read from: its `apiKeyEnv`, else its provider's default. */
export function apiKeyEnvOf(user: LLMUser): string {
  return user.apiKeyEnv ?? DEFAULT_API_KEY_ENV[user.provider] ?? DEFAULT_API_KEY_ENV.openai;
}

export function resolveTarget(user: LLMUser, baseUrl: string | undefined): ResolvedTarget {
  const cls = user.constructor.name;
  const provider = user.provider;
  const factory = Object.hasOwn(PROVIDERS, provider) ? PROVIDERS[provider] : undefined;
  if (!factory) {
    throw new UserError(`${cls}: unknown provider "${String(provider)}"`, `set \`provider\` to one of ${Object.keys(PROVIDERS).join(', ')}`);
  }
  const keyEnv = apiKeyEnvOf(user);
  // Workers get a copy of the parent's environment; the key never leaves this object except in its header.
  const apiKey = process.env[keyEnv] || undefined;
  let origin: string | undefined;
  let basePath = '';
  let hostname = '';
  if (baseUrl) {
    let u: URL;
    try {
      u = new URL(baseUrl);
    } catch {
      throw new UserError(`${cls}: invalid host "${baseUrl}"`, "use a URL such as 'http://127.0.0.1:8000'");
    }
    origin = u.origin;
    hostname = u.hostname;
    basePath = u.pathname === '/' ? '' : u.pathname.replace(/\/+$/, '');
  }
  const adapter = factory({
    model: user.model,
    apiKey,
    deployment: user.deployment,
    apiVersion: user.apiVersion,
    // OpenAI's own API rejects vLLM's min_tokens/ignore_eos; OpenAI-compatible servers take them.
    ignoreEos: provider === 'openai' && (user.ignoreEos ?? hostname !== 'api.openai.com'),
  });
  return { adapter, origin, basePath, apiKey };
}

/**
 * The request path under the base URL. A host given with '/v1' (as OpenAI SDKs
 * take it) does not double the '/v1' of the API paths.
 */
export function joinPath(basePath: string, path: string): string {
  if (basePath.endsWith('/v1') && path.startsWith('/v1/')) return basePath + path.slice(3);
  return basePath + path;
}
