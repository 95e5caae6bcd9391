import { UserError } from '../errors.js';
import type { ChatMessage } from './llm.js';

/**
 * The provider interface: how `this.llm.chat()` talks to one API. The built-in
 * providers (openai, azure, anthropic, cohere, bedrock, vertex, vertex-openai,
 * oci) are registered through it, and a scenario or a package registers its own
 * with `registerProvider`. Every LLM metric (TTFT, ITL, TPOT, tokens, goodput)
 * follows from what `parseStream` reports. docs/providers.md
 */

/** Token counts as a server reports them; leave a field undefined when the server did not say. */
export interface ProviderUsage {
  inputTokens?: number;
  outputTokens?: number;
  reasoningTokens?: number;
}

/**
 * What one stream event (or a whole answer) carried. One object is reused for
 * every event: a parser sets the fields that apply and leaves the others.
 */
export interface ProviderChunk {
  /** Answer text in this event ('' for none): each non-empty piece is a token arrival (TTFT, ITL). */
  content: string;
  /** Thinking text in this event ('' for none). */
  reasoning: string;
  usage: ProviderUsage | undefined;
  /** An error the server reported inside a 200 answer: the request fails as `stream_error`. */
  error: string | undefined;
  finishReason: string | undefined;
  /** The provider's end-of-stream marker. A stream that ends with neither this nor a finish reason fails as `stream_broken`. */
  done: boolean;
}

/** What to generate, before the provider's body shape. */
export interface ProviderInput {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  /** Output length asked for; undefined lets the server decide. */
  outputTokens: number | undefined;
}

/** What a provider is configured with, once per virtual user. */
export interface ProviderSettings {
  model: string;
  /** The key read from the user's `apiKeyEnv` (or the provider's default variable); never printed. */
  apiKey: string | undefined;
  /** `--host` or the user's `host`: origin plus any base path, e.g. 'http://127.0.0.1:8000/v1'. */
  baseUrl: string | undefined;
  /** The user's `providerOptions` (region, project, compartment, …). */
  options: Readonly<Record<string, unknown>>;
  /** Azure only. */
  deployment?: string;
  apiVersion?: string;
  /** OpenAI-compatible servers: send min_tokens and ignore_eos. */
  ignoreEos: boolean;
}

/** One HTTP request of a generation. */
export interface ProviderRequest {
  /** Path under the host, query included, e.g. '/v1/chat/completions'. */
  path: string;
  /** Name the request is recorded under (default: the path without its query). */
  name?: string;
  /** The JSON body. */
  body: Record<string, unknown>;
  /** Extra headers for this request. */
  headers?: Record<string, string>;
}

/** A request ready to go out, as `auth.sign` sees it: sign exactly these bytes. */
export interface SignableRequest {
  method: string;
  /** Absolute URL. */
  url: string;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/**
 * How a provider authenticates, made once per virtual user: fixed headers
 * (an API key), and/or a `sign` that returns headers for each request (a
 * SigV4 or OCI signature, a bearer token refreshed when it expires). Values
 * returned here are treated as secrets: never printed or written.
 */
export interface ProviderAuth {
  /** Headers sent with every request; an undefined value is left out (a key that is not set). */
  headers?: Record<string, string | undefined>;
  sign?(request: SignableRequest): Record<string, string> | Promise<Record<string, string>>;
}

/**
 * One provider. `buildRequest`, `parseStream` and a `name` are required.
 * @example
 * registerProvider({
 *   name: 'acme',
 *   apiKeyEnv: 'ACME_KEY',
 *   buildRequest: (input) => ({ path: '/generate', body: { prompt: input.messages.at(-1)?.content, max: input.outputTokens, stream: input.stream } }),
 *   parseStream: (_event, data, out) => {
 *     const j = JSON.parse(data);
 *     out.content = j.text ?? '';
 *     if (j.end) out.done = true;
 *   },
 *   parseUsage: (j) => (j.tokens ? { inputTokens: j.tokens.in, outputTokens: j.tokens.out } : undefined),
 *   auth: (s) => ({ headers: s.apiKey ? { authorization: `Bearer ${s.apiKey}` } : {} }),
 * });
 */
export interface ProviderDefinition {
  /** What `provider = '…'` and `--provider` name: letters, digits, '.', '_' or '-'. */
  name: string;
  /** Environment variable the key is read from when the user sets no `apiKeyEnv`. */
  apiKeyEnv?: string;
  /** The request of one chat generation. */
  buildRequest(input: ProviderInput, settings: ProviderSettings): ProviderRequest;
  /** Reads one stream event into `out`; throw (e.g. JSON.parse's SyntaxError) on a malformed event: the request fails as `malformed`. */
  parseStream(event: string | undefined, data: string, out: ProviderChunk): void;
  /** Reads a whole (non-streamed) JSON answer into `out`. Default: parseStream on its text, then done. */
  parseResponse?(body: unknown, out: ProviderChunk): void;
  /**
   * Token counts in an event's (or answer's) JSON, when parseStream left `out.usage` unset.
   * Costs a second JSON.parse per event: a fast provider sets out.usage in parseStream instead.
   */
  parseUsage?(json: unknown): ProviderUsage | undefined;
  /** Authentication; default: none. */
  auth?(settings: ProviderSettings): ProviderAuth;
  /** Stream framing: 'sse' (default) or AWS's binary 'aws-eventstream' (each event's `:event-type` is the event name). */
  streamFormat?: 'sse' | 'aws-eventstream';
}

const REGISTRY_KEY = Symbol.for('volley.providers');
const NAME = /^[A-Za-z0-9][\w.-]*$/;

/** One registry per thread, shared by every copy of this module (the scenario's bundle and the runtime's). */
function registry(): Map<string, ProviderDefinition> {
  const g = globalThis as unknown as Record<symbol, Map<string, ProviderDefinition> | undefined>;
  return (g[REGISTRY_KEY] ??= new Map());
}

/**
 * Makes a provider available as `provider = name` and `--provider name`. Call
 * it at the top level of the scenario (or of a module it imports), so every
 * worker thread has it. Registering a name again replaces it.
 * @example registerProvider({ name: 'acme', buildRequest, parseStream });
 */
export function registerProvider(definition: ProviderDefinition): void {
  const problems: string[] = [];
  const d = definition as Partial<ProviderDefinition> | undefined;
  if (!d || typeof d !== 'object') throw new UserError('registerProvider: expected an object { name, buildRequest, parseStream, … }');
  if (typeof d.name !== 'string' || !NAME.test(d.name)) problems.push(`name: expected letters, digits, '.', '_' or '-', got ${JSON.stringify(d.name)}`);
  if (typeof d.buildRequest !== 'function') problems.push('buildRequest: expected a function (input, settings) => { path, body }');
  if (typeof d.parseStream !== 'function') problems.push('parseStream: expected a function (event, data, out) => void');
  for (const key of ['parseResponse', 'parseUsage', 'auth'] as const) {
    if (d[key] !== undefined && typeof d[key] !== 'function') problems.push(`${key}: expected a function`);
  }
  if (d.streamFormat !== undefined && d.streamFormat !== 'sse' && d.streamFormat !== 'aws-eventstream') problems.push(`streamFormat: expected 'sse' or 'aws-eventstream', got ${JSON.stringify(d.streamFormat)}`);
  if (problems.length > 0) throw new UserError(`registerProvider: ${problems.join('; ')}`, 'see docs/providers.md#writing-a-provider');
  registry().set(d.name!, definition);
}

/** The provider registered under `name`, if any. */
export function getProvider(name: string): ProviderDefinition | undefined {
  return registry().get(name);
}

/** Every registered provider's name, in registration order. */
export function providerNames(): string[] {
  return [...registry().keys()];
}
