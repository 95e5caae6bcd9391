import type { ChatMessage } from '../../api/llm.js';
import type { ProviderAuth, ProviderChunk, ProviderDefinition, ProviderInput, ProviderSettings } from '../../api/providers.js';
import { UserError } from '../../errors.js';
import { errorMessage, num, str } from './adapter.js';
import { openaiChatBody, parseOpenAiChatEvent, parseOpenAiChatResponse } from './openai.js';

/**
 * Google Vertex AI. `vertex`: Gemini's generateContent, streamed with
 * streamGenerateContent?alt=sse; `vertex-openai`: Vertex's OpenAI-compatible
 * chat completions endpoint (model names like 'google/gemini-2.0-flash').
 * Project: providerOptions.project, else GOOGLE_CLOUD_PROJECT; location:
 * providerOptions.location, else GOOGLE_CLOUD_LOCATION, else us-central1.
 * Auth: a token in VERTEX_ACCESS_TOKEN (sent as is, e.g. from `gcloud auth
 * print-access-token`), else Google's auth library (application default
 * credentials or providerOptions.credentialsFile), which refreshes the token
 * before it expires. docs/providers.md#vertex
 */
export const vertexProvider: ProviderDefinition = {
  name: 'vertex',
  apiKeyEnv: 'VERTEX_ACCESS_TOKEN',
  buildRequest: (input, settings) => {
    const base = `${vertexBase(settings)}/publishers/google/models/${encodeURIComponent(input.model)}`;
    return input.stream
      ? { path: `${base}:streamGenerateContent?alt=sse`, name: `${base}:streamGenerateContent`, body: geminiBody(input) }
      : { path: `${base}:generateContent`, body: geminiBody(input) };
  },
  parseStream: (_event, data, out) => parseGeminiChunk(JSON.parse(data), out),
  parseResponse: (body, out) => {
    parseGeminiChunk(body, out);
    out.done = true;
  },
  auth: vertexAuth,
};

export const vertexOpenAiProvider: ProviderDefinition = {
  name: 'vertex-openai',
  apiKeyEnv: 'VERTEX_ACCESS_TOKEN',
  buildRequest: (input, settings) => ({ path: `${vertexBase(settings)}/endpoints/openapi/chat/completions`, body: openaiChatBody(input, false) }),
  parseStream: (_event, data, out) => parseOpenAiChatEvent(data, out as never),
  parseResponse: (body, out) => parseOpenAiChatResponse(body, out as never),
  auth: vertexAuth,
};

function option(settings: ProviderSettings, key: string): string | undefined {
  const v = settings.options[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** /v1/projects/{project}/locations/{location} */
export function vertexBase(settings: ProviderSettings, env: NodeJS.ProcessEnv = process.env): string {
  const project = option(settings, 'project') ?? env.GOOGLE_CLOUD_PROJECT ?? env.GCLOUD_PROJECT;
  if (!project) throw new UserError('vertex: no Google Cloud project', "set providerOptions = { project: 'my-project' } on the user class, or GOOGLE_CLOUD_PROJECT");
  const location = option(settings, 'location') ?? env.GOOGLE_CLOUD_LOCATION ?? 'us-central1';
  return `/v1/projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(location)}`;
}

export function geminiBody(input: ProviderInput): Record<string, unknown> {
  const system: Array<{ text: string }> = [];
  const contents: Array<{ role: string; parts: Array<{ text: string }> }> = [];
  for (const m of input.messages) {
    const text = textOf(m);
    if (m.role === 'system') system.push({ text });
    else contents.push({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text }] });
  }
  const body: Record<string, unknown> = { contents };
  if (system.length > 0) body.systemInstruction = { parts: system };
  if (input.outputTokens !== undefined) body.generationConfig = { maxOutputTokens: input.outputTokens };
  return body;
}

function textOf(m: ChatMessage): string {
  if (typeof m.content === 'string') return m.content;
  if (!Array.isArray(m.content)) return '';
  return m.content.map((p) => (p.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('');
}

/** One GenerateContentResponse (a stream chunk or the whole answer). Thought parts are reasoning; output tokens count them too. */
export function parseGeminiChunk(body: unknown, out: ProviderChunk): void {
  if (body === null || typeof body !== 'object') throw new SyntaxError('stream event is not a JSON object');
  const j = body as Record<string, unknown>;
  if (j.error !== undefined) {
    out.error = errorMessage(j.error);
    return;
  }
  const candidate = Array.isArray(j.candidates) ? (j.candidates[0] as Record<string, unknown> | undefined) : undefined;
  if (candidate) {
    const parts = ((candidate.content as Record<string, unknown> | undefined)?.parts ?? []) as Array<Record<string, unknown>>;
    let content = '';
    let reasoning = '';
    for (const p of parts) {
      if (typeof p.text !== 'string') continue;
      if (p.thought === true) reasoning += p.text;
      else content += p.text;
    }
    out.content = content;
    out.reasoning = reasoning;
    const finish = str(candidate.finishReason);
    if (finish) out.finishReason = finish;
  }
  const u = j.usageMetadata as Record<string, unknown> | undefined;
  if (u) {
    const thoughts = num(u.thoughtsTokenCount);
    const candidates = num(u.candidatesTokenCount);
    out.usage = {
      inputTokens: num(u.promptTokenCount),
      outputTokens: candidates === undefined ? undefined : candidates + (thoughts ?? 0),
      reasoningTokens: thoughts,
    };
  }
}

function vertexAuth(settings: ProviderSettings): ProviderAuth {
  if (settings.apiKey) return { headers: { authorization: `Bearer ${settings.apiKey}` } };
  const opts = { credentialsFile: option(settings, 'credentialsFile'), tokenUrl: option(settings, 'tokenUrl') };
  return {
    // Google's auth library is loaded on the first request, and gives a cached token until it is about to expire.
    sign: async () => {
      try {
        const source = await (await import('./google-token.js')).googleTokenSource(opts);
        return { authorization: `Bearer ${await source.token()}` };
      } catch (err) {
        throw new Error(`could not get a Google access token (${(err as Error).message})`);
      }
    },
  };
}
