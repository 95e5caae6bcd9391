import type { ClientAttacher } from './virtual-user.js';

/**
 * Clients beyond HTTP that user classes may need (the LLM client for LLMUser).
 * Imported lazily, so a worker only loads the LLM modules when the run starts.
 */
export async function clientAttachers(): Promise<ClientAttacher[]> {
  const { attachLlmClient } = await import('../clients/llm/client.js');
  return [attachLlmClient];
}
