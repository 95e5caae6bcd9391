import { LLMUser, task } from 'volley';

/**
 * Vision requests: each chat carries a 50-token question and one generated
 * 512×512 PNG (traffic I(width,height[,count])). Set `imageDir` to send your
 * own images instead.
 */
export class Vision extends LLMUser {
  host = 'mock';
  model = 'llava-1.6';
  traffic = 'I(512,512)';

  @task() async describe() {
    await this.llm.chat({ outputTokens: 64 });
  }
}
