import type { CloudAuthKind } from './cloud-auth.js';
import { bedrockConverse, bedrockConverseStream } from './dialects/bedrock-converse.js';
import { geminiGenerate, geminiStreamGenerate } from './dialects/gemini.js';
import { ociChat } from './dialects/oci-chat.js';
import { openaiChat } from './dialects/openai-chat.js';
import type { ApiRoute } from './routes.js';

const BEDROCK = /^\/model\/([^/]+)\/(converse|converse-stream)$/;
const GEMINI = /^\/v1(?:beta1)?\/projects\/[^/]+\/locations\/[^/]+\/publishers\/[^/]+\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const VERTEX_OPENAI = /^\/v1(?:beta1)?\/projects\/[^/]+\/locations\/[^/]+\/endpoints\/openapi\/chat\/completions$/;
const OCI_CHAT = '/20231130/actions/chat';

/**
 * The cloud dialects, routed by path (docs/mock-server.md#cloud-dialects), each
 * with the credential check of its cloud (cloud-auth.ts).
 */
export function matchCloudRoute(path: string): (ApiRoute & { auth: CloudAuthKind }) | undefined {
  let m = BEDROCK.exec(path);
  if (m) {
    const dialect = m[2] === 'converse-stream' ? bedrockConverseStream : bedrockConverse;
    return { endpoint: { kind: 'text', dialect }, errorShape: 'cohere', idPrefix: dialect.idPrefix, model: decode(m[1]!), auth: 'sigv4' };
  }
  m = GEMINI.exec(path);
  if (m) {
    const dialect = m[2] === 'streamGenerateContent' ? geminiStreamGenerate : geminiGenerate;
    return { endpoint: { kind: 'text', dialect }, errorShape: 'openai', idPrefix: dialect.idPrefix, model: decode(m[1]!), auth: 'google' };
  }
  if (VERTEX_OPENAI.test(path)) return { endpoint: { kind: 'text', dialect: openaiChat }, errorShape: 'openai', idPrefix: openaiChat.idPrefix, auth: 'google' };
  if (path === OCI_CHAT) return { endpoint: { kind: 'text', dialect: ociChat }, errorShape: 'cohere', idPrefix: ociChat.idPrefix, auth: 'oci' };
  return undefined;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
