import { LLMUser, task } from 'volley';

/**
 * Embedding throughput: every request embeds one 256-token text cut from the
 * dataset (traffic E(tokens)). Input tokens per second is the figure to watch.
 */
export class Embed extends LLMUser {
  host = 'mock';
  model = 'mock-embedding';
  traffic = 'E(256)';

  @task() async embed() {
    await this.llm.embeddings();
  }
}
