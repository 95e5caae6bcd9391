import type { ClientContext } from '../clients/context.js';
import { isLlmUser } from '../clients/llm/is-llm-user.js';
import type { User } from '../api/user.js';
import type { ClientAttacher } from './virtual-user.js';
import { loadUndici } from '../clients/lazy-dispatcher.js';

/**
 * Clients beyond HTTP that the user classes need (the LLM client for LLMUser),
 * given one instance of each class the worker runs. Imported only when a class
 * needs them: a worker of an HTTP-only run never loads the LLM client, its
 * tokenizer (tiktoken) or its datasets.
 */
export async function clientAttachers(users: readonly User[]): Promise<ClientAttacher[]> {
  if (!users.some(isLlmUser)) return [];
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
  const llmUsers = users.filter(isLlmUser);
  if (llmUsers.length === 0) return;
  const { prepareLlmClass } = await import('../clients/llm/client.js');
  for (const user of llmUsers) prepareLlmClass(user, { ...ctx, baseUrl: undefined, options: { ...ctx.options, requestsLog: undefined } });
}

/**
 * Loads undici before the users start when they may need it: a host that is
 * not plain http://, an LLM class without a host (its provider's default is
 * https), or `--http-transport undici` / `--llm-transport undici`. A plain-HTTP run (the mock included)
 * skips it; a request to an absolute https:// URL there loads it then, once.
 */
export function preloadUndici(users: readonly User[], host: string | undefined, transports: { http?: unknown; llm?: unknown }): void {
  const needs = (u: User): boolean => {
    const h = host ?? u.host;
    if (h === undefined) return isLlmUser(u);
    return !(h === 'mock' || h.startsWith('http://'));
  };
  if (transports.http === 'undici' || (transports.llm === 'undici' && users.some(isLlmUser)) || users.some(needs)) loadUndici();
}
