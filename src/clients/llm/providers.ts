import { getProvider, providerNames, registerProvider, type ProviderDefinition, type ProviderSettings } from '../../api/providers.js';
import type { LlmProvider } from '../../api/llm.js';
import type { ProviderAdapter, ProviderConfig, StreamDelta } from './adapter.js';
import { anthropicAdapter } from './anthropic.js';
import { azureAdapter } from './azure.js';
import { cohereAdapter } from './cohere.js';
import { openaiAdapter } from './openai.js';
import { bedrockProvider } from './bedrock.js';
import { vertexOpenAiProvider, vertexProvider } from './vertex.js';
import { ociProvider } from './oci.js';
import { headerSecrets } from './redaction.js';

/**
 * Every provider, built-in or a scenario's, goes through the public
 * ProviderDefinition (api/providers.ts). The four providers that predate it
 * keep their full adapters (completions, embeddings, rerank, and the hot-path
 * scanners) behind their definition: FULL_ADAPTERS maps a definition to it.
 */
const FULL_ADAPTERS = new WeakMap<ProviderDefinition, (cfg: ProviderConfig) => ProviderAdapter>();

/** A definition whose chat, parsers and auth are those of an existing adapter factory. */
function builtIn(name: LlmProvider, apiKeyEnv: string, factory: (cfg: ProviderConfig) => ProviderAdapter): ProviderDefinition {
  // The parsers do not depend on the settings: one adapter made with none gives them.
  const parsers = factory({ model: '', apiKey: undefined, ignoreEos: false });
  const definition: ProviderDefinition = {
    name,
    apiKeyEnv,
    buildRequest: (input, settings) => {
      const a = factory(configOf(settings));
      return { path: a.chat.path, name: a.chat.name, body: a.chatBody(input) };
    },
    parseStream: parsers.parseChatEvent,
    parseResponse: parsers.parseChatResponse,
    auth: (settings) => {
      const a = factory(configOf(settings));
      return { headers: authHeaders(a.headers), sign: a.sign };
    },
  };
  FULL_ADAPTERS.set(definition, factory);
  return definition;
}

function authHeaders(headers: Record<string, string>): Record<string, string> {
  const secret = new Set(headerSecrets(headers));
  return Object.fromEntries(Object.entries(headers).filter(([, v]) => secret.has(v)));
}

function configOf(s: ProviderSettings): ProviderConfig {
  return { model: s.model, apiKey: s.apiKey, deployment: s.deployment, apiVersion: s.apiVersion, ignoreEos: s.ignoreEos, options: s.options };
}

let registered = false;
const BUILT_IN_NAMES = ['openai', 'azure', 'anthropic', 'cohere', 'bedrock', 'vertex', 'vertex-openai', 'oci'];

/** Registers the built-in providers (once per thread), before any scenario's own. */
export function registerBuiltInProviders(): void {
  if (registered) return;
  registered = true;
  for (const d of [
    builtIn('openai', 'OPENAI_API_KEY', openaiAdapter),
    builtIn('azure', 'AZURE_OPENAI_API_KEY', azureAdapter),
    builtIn('anthropic', 'ANTHROPIC_API_KEY', anthropicAdapter),
    builtIn('cohere', 'CO_API_KEY', cohereAdapter),
    bedrockProvider,
    vertexProvider,
    vertexOpenAiProvider,
    ociProvider,
  ]) {
    // A scenario that registered the name first (top-level code runs before the first client) keeps its own.
    if (!getProvider(d.name)) registerProvider(d);
  }
}

/** The registered provider, or undefined; the built-ins are always there. */
export function findProvider(name: string): ProviderDefinition | undefined {
  registerBuiltInProviders();
  return getProvider(name);
}

/** The built-ins first, then the ones a scenario or package registered. */
export function registeredProviderNames(): string[] {
  registerBuiltInProviders();
  const names = providerNames();
  return [...BUILT_IN_NAMES.filter((n) => names.includes(n)), ...names.filter((n) => !BUILT_IN_NAMES.includes(n))];
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'text/event-stream, application/json' };

/** The adapter a client uses for `definition`, made once per virtual user. */
export function adapterFor(definition: ProviderDefinition, settings: ProviderSettings): ProviderAdapter {
  const full = FULL_ADAPTERS.get(definition);
  if (full) return full(configOf(settings));
  const auth = definition.auth?.(settings) ?? {};
  const parseUsage = definition.parseUsage;
  const parseStream = parseUsage
    ? (event: string | undefined, data: string, out: StreamDelta) => {
        definition.parseStream(event, data, out);
        if (out.usage === undefined) out.usage = usageOf(parseUsage, data);
      }
    : definition.parseStream;
  const parseResponse = definition.parseResponse;
  return {
    provider: definition.name,
    headers: { ...JSON_HEADERS, ...definedOnly(auth.headers) },
    chat: { path: '', name: definition.name },
    chatBody: (input) => definition.buildRequest(input, settings).body,
    chatRequest: (input) => {
      const r = definition.buildRequest(input, settings);
      const query = r.path.indexOf('?');
      return { endpoint: { path: r.path, name: r.name ?? (query < 0 ? r.path : r.path.slice(0, query)) }, body: r.body, headers: r.headers };
    },
    parseChatEvent: parseStream,
    parseChatResponse: (body, out) => {
      if (parseResponse) parseResponse(body, out);
      else definition.parseStream(undefined, JSON.stringify(body), out);
      if (out.usage === undefined && parseUsage) out.usage = parseUsage(body) ?? undefined;
      out.done = true;
    },
    sign: auth.sign ? (req) => auth.sign!(req) : undefined,
    streamFormat: definition.streamFormat,
  };
}

function usageOf(parseUsage: NonNullable<ProviderDefinition['parseUsage']>, data: string) {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return undefined; // not JSON (an end marker): parseStream has judged it
  }
  return parseUsage(json) ?? undefined;
}

function definedOnly(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) if (headers[name] !== undefined) out[name] = headers[name]!;
  return out;
}
