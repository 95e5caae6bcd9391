import type { LlmErrorKind, LlmRequestOptions } from './llm.js';

/**
 * Options of `this.llm.images()`: OpenAI's `POST /v1/images/generations`.
 * @example await this.llm.images({ prompt: 'a lighthouse at dusk', size: '1024x1024' });
 */
export interface ImagesOptions extends LlmRequestOptions {
  /** The prompt; default: one of the traffic's input length (D/N/U), else 50 tokens, cut from the dataset. */
  prompt?: string;
  /** Images per request (default 1). */
  n?: number;
  /** e.g. '1024x1024'; default: the traffic's I(width,height), else the server's default. */
  size?: string;
  [bodyField: string]: unknown;
}

/** What `this.llm.images()` returns. */
export interface ImagesResult {
  /** Images in the answer. */
  images: number;
  inputTokens: number;
  e2eMs: number;
  status: number;
  error?: string;
  errorKind?: LlmErrorKind;
  /** The parsed response body (base64 images included: parse only what you need). */
  json<T = unknown>(): T;
}

/**
 * Options of `this.llm.speech()`: OpenAI's `POST /v1/audio/speech` (text to speech).
 * @example await this.llm.speech({ input: 'Hello there', voice: 'alloy' });
 */
export interface SpeechOptions extends LlmRequestOptions {
  /** Text to speak; default: the traffic's A(chars) characters cut from the dataset, else 200. */
  input?: string;
  voice?: string;
  /**
   * `wav` (default) or `pcm` give audio seconds and audio speed; `mp3`, `opus`,
   * `aac` and `flac` are sent as asked and measured for time only.
   */
  format?: string;
  [bodyField: string]: unknown;
}

/** What `this.llm.speech()` returns. */
export interface SpeechResult {
  /** Characters of input text. */
  inputChars: number;
  /** Time to the first byte of audio (recorded as llm.ttft). */
  ttftMs: number | undefined;
  e2eMs: number;
  /** Bytes of audio received. */
  audioBytes: number;
  /** Seconds of audio, for wav and pcm; undefined for compressed formats. */
  audioSeconds: number | undefined;
  status: number;
  error?: string;
  errorKind?: LlmErrorKind;
}

/**
 * Options of `this.llm.transcriptions()`: OpenAI's `POST /v1/audio/transcriptions` (speech to text).
 * @example await this.llm.transcriptions({ audioSeconds: 30 });
 */
export interface TranscriptionOptions extends LlmRequestOptions {
  /** The audio file (bytes) to send; default: a generated WAV of `audioSeconds`. */
  audio?: Uint8Array;
  /** File name sent with `audio`, whose extension tells the server its format (default 'audio.wav'). */
  fileName?: string;
  /** Length of the generated WAV when `audio` is not given (default 10 s, at most 600). */
  audioSeconds?: number;
  language?: string;
  [formField: string]: unknown;
}

/** What `this.llm.transcriptions()` returns. */
export interface TranscriptionResult {
  text: string;
  /** Seconds of audio sent (known for generated audio and WAV files). */
  audioSeconds: number | undefined;
  /** Output tokens: the server's usage when it sent one, else counted with the tokenizer. */
  outputTokens: number;
  e2eMs: number;
  status: number;
  error?: string;
  errorKind?: LlmErrorKind;
}
