import type { LLMUser } from '../../api/llm.js';

/**
 * Run options (--model, --dataset, --tokenizer, --prefix-len, or the same keys in
 * a config file or the scenario's `options`) that replace the LLM user class's
 * fields of the same name: the command line wins over the class, so what
 * summary.json's meta.options records is what was sent. A call's own `model`
 * or `prefixLen` (`this.llm.chat({ model })`) still wins for that call.
 */
export const LLM_RUN_OPTION_FIELDS = ['model', 'dataset', 'tokenizer', 'prefixLen', 'provider'] as const;

/** Sets the user's fields from the run options that are given; called before its client is created. */
export function applyLlmRunOptions(user: LLMUser, options: Record<string, unknown>): void {
  const fields = user as unknown as Record<string, unknown>;
  for (const key of LLM_RUN_OPTION_FIELDS) if (options[key] !== undefined) fields[key] = options[key];
}
