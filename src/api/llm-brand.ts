/**
 * The brand of LLMUser classes, apart from api/llm.ts so that the main thread
 * (run/experiment.ts) can tell an LLM class without loading the LLM API.
 */
export const IS_LLM_USER = Symbol.for('volley.isLlmUser');
