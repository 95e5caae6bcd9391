import type { ClientAttacher } from './virtual-user.js';

/**
 * Clients beyond HTTP that user classes may need (the LLM client for LLMUser).
 * Loaded lazily so a plain HTTP scenario does not pay for tokenizers.
 */
export async function clientAttachers(): Promise<ClientAttacher[]> {
  return [];
}
