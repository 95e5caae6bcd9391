import { LLMUser, task } from 'volley';

/**
 * Rerank throughput: every request ranks documents of 128 tokens against a
 * query of 32 (traffic R(doc,query)). Sweep the documents per request with
 * `--batch-size 1,8,32 --max-requests-per-stage 200`.
 */
export class Ranker extends LLMUser {
  host = 'mock';
  model = 'mock-rerank';
  traffic = 'R(128,32)';

  @task() async rank() {
    await this.llm.rerank();
  }
}
