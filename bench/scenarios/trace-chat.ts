import { LLMUser, task } from 'volley';

/** bench:trace: each arrival of the trace sends its record (a Mooncake prompt built from hash_ids). */
export class TraceChat extends LLMUser {
  model = 'bench-model';

  @task() async replay() {
    await this.llm.chat();
  }
}
