import { LLMUser, task } from 'volley';

/**
 * Text to speech and back: each request speaks 150 characters (traffic A(chars))
 * and times the first byte of audio (TTFT) and audio seconds per second; one
 * request in four transcribes a 10-second clip. Against the built-in mock,
 * 150 characters are 10 s of audio.
 */
export class Voice extends LLMUser {
  host = 'mock';
  model = 'tts-1';
  traffic = 'A(150)';

  @task(3) async speak() {
    await this.llm.speech({ voice: 'alloy', format: 'wav' });
  }

  @task(1) async transcribe() {
    await this.llm.transcriptions({ model: 'whisper-1', audioSeconds: 10 });
  }
}
