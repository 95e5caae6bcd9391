import type { LLMUser } from '../../api/llm.js';
import { UserError } from '../../errors.js';
import type { ProviderAdapter } from './adapter.js';
import { adapterFor, findProvider, registeredProviderNames } from './providers.js';

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
  return user.apiKeyEnv ?? findProvider(user.provider)?.apiKeyEnv ?? 'OPENAI_API_KEY';
}

export function resolveTarget(user: LLMUser, baseUrl: string | undefined): ResolvedTarget {
  const cls = user.constructor.name;
  const provider = user.provider;
  const definition = typeof provider === 'string' ? findProvider(provider) : undefined;
  if (!definition) {
    throw new UserError(
      `${cls}: unknown provider "${String(provider)}"`,
      `use one of ${registeredProviderNames().join(', ')} (--provider or the user's \`provider\`), or register it with registerProvider (docs/providers.md)`,
    );
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
  const adapter = adapterFor(definition, {
    model: user.model,
    apiKey,
    baseUrl: origin === undefined ? undefined : origin + basePath,
    options: user.providerOptions ?? {},
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
