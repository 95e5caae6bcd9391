import type { ChatMessage } from '../../api/llm.js';
import type { ProviderAuth, ProviderChunk, ProviderDefinition, ProviderInput, ProviderSettings } from '../../api/providers.js';
import { errorMessage, num, str } from './adapter.js';

/** Bedrock's Converse API requires inferenceConfig.maxTokens for some models; sent when the traffic sets no output length. */
export const BEDROCK_DEFAULT_MAX_TOKENS = 1024;

/**
 * AWS Bedrock's Converse API: POST /model/{modelId}/converse, and
 * /converse-stream answering with AWS's binary event stream (messageStart,
 * contentBlockDelta, messageStop, metadata). Requests are signed with SigV4 by
 * the AWS SDK's signer, with credentials from the SDK's default chain
 * (environment, shared config/credentials files and profiles, SSO, web
 * identity, container and instance roles), refreshed by the SDK when they
 * expire. A Bedrock API key in AWS_BEARER_TOKEN_BEDROCK is sent as a bearer
 * token instead. Region: providerOptions.region, else AWS_REGION,
 * AWS_DEFAULT_REGION, else us-east-1. docs/providers.md#bedrock
 */
export const bedrockProvider: ProviderDefinition = {
  name: 'bedrock',
  apiKeyEnv: 'AWS_BEARER_TOKEN_BEDROCK',
  buildRequest: (input) => {
    const path = `/model/${encodeURIComponent(input.model)}/${input.stream ? 'converse-stream' : 'converse'}`;
    return { path, body: converseBody(input) };
  },
  parseStream: parseBedrockEvent,
  parseResponse: parseBedrockResponse,
  auth: bedrockAuth,
  streamFormat: 'aws-eventstream',
};

export function converseBody(input: ProviderInput): Record<string, unknown> {
  const system: Array<{ text: string }> = [];
  const messages: Array<{ role: string; content: Array<{ text: string }> }> = [];
  for (const m of input.messages) {
    const text = textOf(m);
    if (m.role === 'system') system.push({ text });
    else messages.push({ role: m.role === 'assistant' ? 'assistant' : 'user', content: [{ text }] });
  }
  const body: Record<string, unknown> = { messages, inferenceConfig: { maxTokens: input.outputTokens ?? BEDROCK_DEFAULT_MAX_TOKENS } };
  if (system.length > 0) body.system = system;
  return body;
}

function textOf(m: ChatMessage): string {
  if (typeof m.content === 'string') return m.content;
  if (!Array.isArray(m.content)) return '';
  return m.content.map((p) => (p.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('');
}

/** One ConverseStream event; its name is the message's :event-type (exceptions come as `exception:<type>`). */
export function parseBedrockEvent(event: string | undefined, data: string, out: ProviderChunk): void {
  if (event !== undefined && event.startsWith('exception:')) {
    out.error = `${event.slice('exception:'.length)}: ${errorMessage(safeJson(data))}`;
    return;
  }
  const j = JSON.parse(data) as Record<string, unknown>;
  switch (event) {
    case 'contentBlockDelta': {
      const delta = j.delta as Record<string, unknown> | undefined;
      out.content = str(delta?.text) ?? '';
      const reasoning = delta?.reasoningContent as Record<string, unknown> | undefined;
      if (reasoning) out.reasoning = str(reasoning.text) ?? '';
      return;
    }
    case 'messageStop':
      out.finishReason = str(j.stopReason);
      return;
    case 'metadata':
      out.usage = bedrockUsage(j.usage);
      out.done = true;
      return;
    default:
      return; // messageStart, contentBlockStart, contentBlockStop
  }
}

export function parseBedrockResponse(body: unknown, out: ProviderChunk): void {
  if (body === null || typeof body !== 'object') throw new SyntaxError('response is not a JSON object');
  const j = body as Record<string, unknown>;
  const message = (j.output as Record<string, unknown> | undefined)?.message as Record<string, unknown> | undefined;
  let content = '';
  let reasoning = '';
  for (const block of (Array.isArray(message?.content) ? message.content : []) as Array<Record<string, unknown>>) {
    if (typeof block.text === 'string') content += block.text;
    const r = (block.reasoningContent as Record<string, unknown> | undefined)?.reasoningText as Record<string, unknown> | undefined;
    if (r && typeof r.text === 'string') reasoning += r.text;
  }
  out.content = content;
  out.reasoning = reasoning;
  out.finishReason = str(j.stopReason);
  out.usage = bedrockUsage(j.usage);
  out.done = true;
}

function bedrockUsage(u: unknown) {
  if (!u || typeof u !== 'object') return undefined;
  const usage = u as Record<string, unknown>;
  return { inputTokens: num(usage.inputTokens), outputTokens: num(usage.outputTokens) };
}

function safeJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/** The region requests are signed for. */
export function bedrockRegion(settings: ProviderSettings, env: NodeJS.ProcessEnv = process.env): string {
  const given = settings.options.region;
  return typeof given === 'string' && given !== '' ? given : env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
}

function bedrockAuth(settings: ProviderSettings): ProviderAuth {
  if (settings.apiKey) return { headers: { authorization: `Bearer ${settings.apiKey}` } };
  const region = bedrockRegion(settings);
  const profile = str(settings.options.profile);
  return {
    // The SDK is loaded on the first request: scenarios of other providers never load it.
    sign: async (req) => (await import('./sigv4.js')).sigV4Signer({ region, service: 'bedrock', profile }).then((s) => s.sign(req)),
  };
}
