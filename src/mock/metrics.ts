import { Counter, Gauge, Registry } from 'prom-client';
import type { GroundTruthRecord } from './ground-truth.js';

/** KV-cache size of the mock, in tokens, unless kvCacheTokens says otherwise (docs/mock-server.md, "/metrics"). */
export const MOCK_KV_CACHE_TOKENS = 100_000;

const MODEL = { model_name: 'mock-llm' };

/**
 * The mock's `/metrics`, with vLLM's names, read from its real state at each
 * scrape (prom-client renders the text exposition):
 * - `vllm:num_requests_running`: text requests being answered now,
 * - `vllm:num_requests_waiting`: requests queued behind a concurrency cap (0 without one),
 * - `vllm:kv_cache_usage_perc`: the tokens held by the requests in flight (prompt
 *   plus output sent so far) over the KV-cache size, at most 1,
 * - `vllm:prompt_tokens_total`, `vllm:generation_tokens_total`: tokens counted as
 *   requests start and as they stream,
 * - `vllm:request_success_total`: text requests answered in full,
 * - `vllm:num_preemptions_total`: always 0 (the mock never preempts).
 */
export class MockMetrics {
  readonly registry = new Registry();
  private readonly active = new Map<object, GroundTruthRecord>();
  private promptTokens = 0;
  /** Output tokens of the requests no longer in flight. */
  private doneOutputTokens = 0;
  private successes = 0;

  constructor(
    private readonly kvCacheTokens = MOCK_KV_CACHE_TOKENS,
    /** Requests waiting for a slot (a concurrency cap); none without one. */
    private readonly waiting: () => number = () => 0,
  ) {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, labelNames: ['model_name'], registers, collect() { this.set(MODEL, read()); } });
    const counter = (name: string, help: string, read: () => number) =>
      new Counter({ name, help, labelNames: ['model_name'], registers, collect() { this.reset(); this.inc(MODEL, read()); } });
    gauge('vllm:num_requests_running', 'Number of requests in model execution batches.', () => this.active.size);
    gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', () => this.waiting());
    gauge('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', () => this.kvUsage());
    counter('vllm:prompt_tokens_total', 'Number of prefill tokens processed.', () => this.promptTokens);
    counter('vllm:generation_tokens_total', 'Number of generation tokens processed.', () => this.generationTokens());
    counter('vllm:request_success_total', 'Count of successfully processed requests.', () => this.successes);
    counter('vllm:num_preemptions_total', 'Cumulative number of preemption from the engine.', () => 0);
  }

  /** A text request starts being answered (`item` is its stream or delayed reply). */
  begin(item: object, record: GroundTruthRecord): void {
    this.active.set(item, record);
    this.promptTokens += record.inputTokens;
  }

  /** It ended, in full or not. */
  end(item: object): void {
    const record = this.active.get(item);
    if (!record) return;
    this.active.delete(item);
    // A delayed reply ends just before it sends its answer (and sets its tokens): read the record after that.
    queueMicrotask(() => {
      this.doneOutputTokens += record.outputTokens;
      if (record.error === undefined && record.status === 200) this.successes++;
    });
  }

  /** The text exposition (format 0.0.4). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  private generationTokens(): number {
    let n = this.doneOutputTokens;
    for (const r of this.active.values()) n += r.outputTokens;
    return n;
  }

  private kvUsage(): number {
    let held = 0;
    for (const r of this.active.values()) held += r.inputTokens + r.outputTokens;
    return Math.min(1, held / this.kvCacheTokens);
  }
}
