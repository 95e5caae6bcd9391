import type { ChatMessage } from '../../api/llm.js';
import type { TraceRecord } from '../../api/trace.js';
import type { PromptSource } from '../../workload/prompt.js';
import { tracePrompts } from '../../workload/trace-prompt.js';

/** What a trace record sends: its messages or prompt text, their token count, and max_tokens. */
export interface TraceInput {
  messages?: ChatMessage[];
  text: string;
  inputTokens: number;
  outputTokens: number | undefined;
}

/**
 * The input of a replayed trace record (docs/llm.md#trace-replay): its own
 * messages or prompt as they are, else a prompt of exactly `inputTokens`
 * tokens built from its hash_ids blocks (equal ids, equal text: shared
 * prefixes), with max_tokens = its output length.
 */
export function traceInput(rec: TraceRecord, prompts: PromptSource, blockTokens: number | undefined, count: (text: string) => number): TraceInput {
  if (rec.messages) {
    let n = 0;
    for (const m of rec.messages) if (typeof m.content === 'string') n += count(m.content);
    const text = rec.messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
    return { messages: rec.messages, text, inputTokens: n, outputTokens: rec.outputTokens };
  }
  if (rec.prompt !== undefined) return { text: rec.prompt, inputTokens: count(rec.prompt), outputTokens: rec.outputTokens };
  const built = tracePrompts(prompts, blockTokens).build(rec);
  return { text: built.text, inputTokens: built.tokens, outputTokens: rec.outputTokens };
}
