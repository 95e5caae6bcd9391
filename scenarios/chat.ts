import { LLMUser, task } from 'volley';

/**
 * Chat load with GenAI Bench's traffic shape: prompts of ~480 tokens (sd 240),
 * replies of ~300 (sd 150), every request. `host = 'mock'` runs against the
 * built-in mock server. Conversations that grow turn by turn: scenarios/multi-turn.ts.
 * Run: bench run scenarios/chat.ts --users 8 --duration 30s --slo 'ttft<500ms,tpot<50ms'
 */
export class Chat extends LLMUser {
  host = 'mock';
  model = 'llama-3-8b';
  traffic = 'N(480,240)/(300,150)';

  @task() async ask() {
    await this.llm.chat();
  }
}
