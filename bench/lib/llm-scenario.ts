import { LLMUser, task } from 'volley';

/**
 * bench/llm.ts's Volley user: one streamed chat request per task, no wait, the
 * prompt generated from the default dataset. Host, traffic shape and the
 * requests log come from the command line.
 */
export class Streamer extends LLMUser {
  model = 'mock-llm';
  traffic = 'D(100,64)';

  @task() async chat() {
    await this.llm.chat();
  }
}
