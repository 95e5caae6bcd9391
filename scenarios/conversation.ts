import { join } from 'node:path';
import { LLMUser, task } from 'volley';

/**
 * Conversation replay: each user takes a conversation of a ShareGPT dataset,
 * sends its first turn, appends the answer, sends the second turn with the
 * whole history, and so on, half a second of "reading" between turns. The
 * mock simulates a prefix cache and a prefill cost per uncached token, so the
 * per-turn table shows what a serving engine's cache does: the history grows
 * turn by turn, most of it is cached, and TTFT stays flat instead of growing.
 *
 * Run: bench run scenarios/conversation.ts -u 4 -t 20s
 * The same without a scenario of your own: bench run scenarios/chat.ts --dataset datasets/conversations.json --conversations
 */
export const options = {
  turnThink: '500ms',
  mock: { prefixCache: true, prefillPerTokenMs: 0.5, itl: '5ms' },
};

export class Chatter extends LLMUser {
  host = 'mock';
  model = 'llama-3-8b';
  dataset = join(__dirname, '../datasets/conversations.json');

  @task() async talk() {
    const chat = this.llm.conversation({ source: 'dataset' });
    while (!chat.done) {
      const answer = await chat.next();
      if (answer.error) break; // the session is counted as broken; start another
    }
  }
}
