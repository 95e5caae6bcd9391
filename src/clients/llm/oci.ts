import type { ChatMessage } from '../../api/llm.js';
import type { ProviderAuth, ProviderChunk, ProviderDefinition, ProviderInput, ProviderSettings, SignableRequest } from '../../api/providers.js';
import { UserError } from '../../errors.js';
import { errorMessage, num, str } from './adapter.js';

/** Path of OCI Generative AI's chat action (API version 20231130). */
export const OCI_CHAT_PATH = '/20231130/actions/chat';

/**
 * OCI Generative AI chat (the GENERIC API format: Llama, Grok, OpenAI and
 * Gemini models on OCI), on-demand serving. Requests are signed by OCI's SDK
 * (oci-common's DefaultRequestSigner: draft-cavage HTTP signatures over
 * date, (request-target), host, content type, length and SHA-256) with the
 * key of an OCI config file: providerOptions.configFile, else OCI_CONFIG_FILE,
 * else ~/.oci/config; profile: providerOptions.profile, else OCI_CLI_PROFILE,
 * else DEFAULT. Compartment: providerOptions.compartmentId, else
 * OCI_COMPARTMENT_ID. docs/providers.md#oci
 */
export const ociProvider: ProviderDefinition = {
  name: 'oci',
  buildRequest: (input, settings) => ({ path: OCI_CHAT_PATH, body: ociChatBody(input, compartmentOf(settings)) }),
  parseStream: (_event, data, out) => parseOciEvent(JSON.parse(data), out),
  parseResponse: parseOciResponse,
  auth: ociAuth,
};

function option(settings: ProviderSettings, key: string): string | undefined {
  const v = settings.options[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function compartmentOf(settings: ProviderSettings): string {
  const id = option(settings, 'compartmentId') ?? process.env.OCI_COMPARTMENT_ID;
  if (!id) throw new UserError('oci: no compartment', "set providerOptions = { compartmentId: 'ocid1.compartment.oc1..…' } on the user class, or OCI_COMPARTMENT_ID");
  return id;
}

const ROLES: Record<string, string> = { system: 'SYSTEM', assistant: 'ASSISTANT', user: 'USER' };

export function ociChatBody(input: ProviderInput, compartmentId: string): Record<string, unknown> {
  const chatRequest: Record<string, unknown> = {
    apiFormat: 'GENERIC',
    messages: input.messages.map((m) => ({ role: ROLES[m.role] ?? 'USER', content: [{ type: 'TEXT', text: textOf(m) }] })),
    isStream: input.stream,
  };
  if (input.stream) chatRequest.streamOptions = { isIncludeUsage: true };
  if (input.outputTokens !== undefined) chatRequest.maxTokens = input.outputTokens;
  return { compartmentId, servingMode: { servingType: 'ON_DEMAND', modelId: input.model }, chatRequest };
}

function textOf(m: ChatMessage): string {
  if (typeof m.content === 'string') return m.content;
  if (!Array.isArray(m.content)) return '';
  return m.content.map((p) => (p.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('');
}

function messageText(message: unknown): string {
  const content = (message as Record<string, unknown> | undefined)?.content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content as Array<Record<string, unknown>>) if (typeof part.text === 'string') text += part.text;
  return text;
}

function ociUsage(u: unknown) {
  if (!u || typeof u !== 'object') return undefined;
  const usage = u as Record<string, unknown>;
  const details = usage.completionTokensDetails as Record<string, unknown> | undefined;
  return { inputTokens: num(usage.promptTokens), outputTokens: num(usage.completionTokens), reasoningTokens: details ? num(details.reasoningTokens) : undefined };
}

/** One stream event: `{ message: { content: [{ text }] } }`, then one with `finishReason`, then (isIncludeUsage) one with `usage`. */
export function parseOciEvent(body: unknown, out: ProviderChunk): void {
  if (body === null || typeof body !== 'object') throw new SyntaxError('stream event is not a JSON object');
  const j = body as Record<string, unknown>;
  if (typeof j.code === 'string' && typeof j.message === 'string' && j.index === undefined) {
    out.error = `${j.code}: ${j.message}`;
    return;
  }
  if (j.message !== undefined) out.content = messageText(j.message);
  const finish = str(j.finishReason);
  if (finish) out.finishReason = finish;
  if (j.usage !== undefined) out.usage = ociUsage(j.usage);
}

export function parseOciResponse(body: unknown, out: ProviderChunk): void {
  if (body === null || typeof body !== 'object') throw new SyntaxError('response is not a JSON object');
  const j = body as Record<string, unknown>;
  const chat = j.chatResponse as Record<string, unknown> | undefined;
  if (!chat) {
    out.error = errorMessage(j);
    return;
  }
  const choice = Array.isArray(chat.choices) ? (chat.choices[0] as Record<string, unknown> | undefined) : undefined;
  out.content = messageText(choice?.message);
  out.finishReason = str(choice?.finishReason);
  out.usage = ociUsage(chat.usage);
  out.done = true;
}

/** Headers the transport sets itself: OCI signs content-length, and both transports send the same value. */
const OWN = new Set(['host', 'content-length']);

function ociAuth(settings: ProviderSettings): ProviderAuth {
  let signer: Promise<{ signHttpRequest(r: { method: 'POST'; uri: string; headers: Headers; body: string }): Promise<void> }> | undefined;
  const configFile = option(settings, 'configFile') ?? process.env.OCI_CONFIG_FILE;
  const profile = option(settings, 'profile') ?? process.env.OCI_CLI_PROFILE;
  return {
    // OCI's SDK is loaded on the first request: other providers never load it.
    sign: async (req: SignableRequest) => {
      signer ??= import('oci-common').then((oci) => new oci.DefaultRequestSigner(new oci.ConfigFileAuthenticationDetailsProvider(configFile, profile)));
      const headers = new Headers(req.headers as Record<string, string>);
      try {
        await (await signer).signHttpRequest({ method: 'POST', uri: req.url, headers, body: req.body });
      } catch (err) {
        throw new Error(`could not sign with the OCI config (${(err as Error).message})`);
      }
      const out: Record<string, string> = {};
      headers.forEach((value, name) => {
        if (!OWN.has(name) && req.headers[name] !== value) out[name] = value;
      });
      return out;
    },
  };
}
