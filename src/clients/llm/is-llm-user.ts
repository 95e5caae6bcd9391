import { IS_LLM_USER, type LLMUser } from '../../api/llm.js';

// Apart from client.ts, so that a worker can tell whether it needs the LLM
// client (and tiktoken) without loading them.

/** True for an instance of LLMUser (checked by brand, so two copies of the API module agree). */
export function isLlmUser(user: unknown): user is LLMUser {
  if (typeof user !== 'object' || user === null) return false;
  const ctor = (user as { constructor?: unknown }).constructor as Record<symbol, unknown> | undefined;
  return ctor?.[IS_LLM_USER] === true;
}
