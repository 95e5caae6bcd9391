/**
 * Replays a timestamped trace on the open model (docs/llm.md#trace-replay):
 * each line of the trace arrives at its timestamp, whatever the server's speed,
 * and latency counts from that intended start.
 *
 *   bench run scenarios/trace-replay.ts --trace datasets/mooncake-sample.jsonl
 *   bench run scenarios/trace-replay.ts --trace datasets/mooncake-sample.jsonl --trace-speed 2 --host http://127.0.0.1:8000
 *
 * Mooncake records (`input_length`, `output_length`, `hash_ids`) become prompts
 * of exactly `input_length` tokens in which equal hash ids are equal 512-token
 * blocks of text (shared prefixes a KV cache can reuse), with
 * max_tokens = `output_length`. Plain records send their own `prompt` or `messages`.
 */
import { LLMUser, task } from 'volley';

export class TraceReplay extends LLMUser {
  host = 'mock';
  model = 'llama-3-8b';

  @task() async replay() {
    // this.trace is the record this arrival replays; chat() without a prompt sends it.
    const r = this.trace;
    await this.llm.chat({ name: r?.hashIds && r.hashIds.length > 3 ? 'long context' : 'chat' });
  }
}
