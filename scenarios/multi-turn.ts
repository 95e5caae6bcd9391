import { LLMUser, task, type ChatMessage } from 'volley';

/**
 * Conversations that grow turn by turn, as a chat UI sends them: every request
 * carries the whole history, so input length (and prefix-cache hits) grow.
 * After eight messages the user starts a new conversation.
 */
export class Conversation extends LLMUser {
  host = 'mock';
  model = 'llama-3-8b';
  traffic = 'D(200,100)';
  private history: ChatMessage[] = [];

  @task() async turn() {
    if (this.history.length >= 8) this.history = [];
    const result =
      this.history.length === 0
        ? await this.llm.chat() // first turn: a 200-token prompt cut from the dataset
        : await this.llm.chat({ messages: [...this.history, { role: 'user', content: 'Go on, in the same style.' }], outputTokens: 100 });
    // On a failure, start over rather than send a broken history.
    this.history = result.error ? [] : result.messages;
  }
}
