import type { ClientContext } from '../clients/context.js';
import type { User } from '../api/user.js';
import type { ClientAttacher } from './virtual-user.js';

/**
 * Clients beyond HTTP that user classes may need (the LLM client for LLMUser).
 * Imported lazily, so a worker only loads the LLM modules when the run starts.
 */
export async function clientAttachers(): Promise<ClientAttacher[]> {
  const { attachLlmClient } = await import('../clients/llm/client.js');
  return [attachLlmClient];
}

/**
 * Prepares the clients of each user class before the worker reports ready,
 * given one instance of each: an LLM class's tokenizer and dataset are loaded
 * (so the first request is not delayed by them), and its client is created
 * once, so a bad provider, traffic or SLO is a UserError now rather than in
 * every user. Hosts are checked by the main thread, not here.
 */
export async function preloadClients(users: readonly User[], ctx: ClientContext): Promise<void> {
  const { isLlmUser, prepareLlmClass } = await import('../clients/llm/client.js');
  for (const user of users) {
    if (isLlmUser(user)) prepareLlmClass(user, { ...ctx, baseUrl: undefined, options: { ...ctx.options, requestsLog: undefined } });
  }
}
