import type { ChatMessage } from './llm.js';

/** Where the runtime puts the trace record of the task running now (open-model trace replay). */
export const TRACE_RECORD = Symbol.for('volley.traceRecord');

/**
 * One request of a replayed trace (`bench run … --trace trace.jsonl`, docs/llm.md#trace-replay),
 * as the task that replays it sees it in `this.trace`. `this.llm.chat()` and
 * `completions()` without a prompt send it: the record's prompt or messages, or
 * a prompt of `inputTokens` tokens built from its `hashIds` blocks, with
 * `max_tokens = outputTokens`.
 * @example
 * @task() async replay() {
 *   const r = this.trace; // undefined outside a trace replay
 *   await this.llm.chat({ name: r && r.inputTokens! > 8000 ? 'long' : 'short' });
 * }
 */
export interface TraceRecord {
  /** Position in time order (0-based): the arrival number on the scheduler. */
  readonly index: number;
  /** The line of the trace file it came from (1-based). */
  readonly line: number;
  /** Milliseconds after the trace's first record, before --trace-speed. */
  readonly offsetMs: number;
  /** Mooncake `input_length`: the prompt's length in tokens. */
  readonly inputTokens?: number;
  /** Mooncake `output_length` or plain `max_tokens`: the reply's length asked for. */
  readonly outputTokens?: number;
  /** Mooncake `hash_ids`: one id per block of prompt text (--trace-block-size tokens); equal ids, equal text. */
  readonly hashIds?: readonly number[];
  readonly prompt?: string;
  readonly messages?: ChatMessage[];
}

/** The trace record of the task running now on `user`, if it replays one. */
export function traceRecordOf(user: object): TraceRecord | undefined {
  return (user as Record<symbol, TraceRecord | undefined>)[TRACE_RECORD];
}
