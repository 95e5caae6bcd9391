import type { ServerResponse } from 'node:http';
import { audioSeconds, PCM_SAMPLE_RATE, writeWavHeader } from '../workload/audio.js';
import { encodePng } from '../workload/images.js';
import { getTokenizer } from '../workload/tokenizer.js';
import { asObject, readModel } from './dialects/dialect.js';
import { epochNow, type GroundTruthRecord } from './ground-truth.js';
import { ScheduledStream, type Abortable } from './scheduled-stream.js';
import { tokenText } from './vocabulary.js';

/**
 * The mock's image, speech and transcription endpoints (GenAI Bench's
 * text-to-image, text-to-speech and speech-to-text tasks), with timing as
 * exact as its text streams: docs/mock-server.md#media lists the rules.
 */

/** Characters of text spoken per second of audio. */
export const SPEECH_CHARS_PER_SECOND = 15;
/** Audio in each streamed speech chunk; chunks leave `itlMs` apart. */
export const SPEECH_CHUNK_SECONDS = 0.1;
/** Words of transcript per second of audio (about 150 words a minute). */
export const TRANSCRIPT_TOKENS_PER_SECOND = 2.5;
/** Side of the PNG a generation answers with, whatever size was asked: the payload is not what is measured. */
const ANSWER_IMAGE_SIDE = 64;

/** A planned media answer, or a message for a 400. */
export type MediaPlan =
  | { kind: 'images'; n: number; inputTokens: number; body: () => unknown }
  | { kind: 'speech'; seconds: number; format: 'wav' | 'pcm'; inputChars: number }
  | { kind: 'transcription'; seconds: number; outputTokens: number; body: () => unknown }
  | string;

/** OpenAI `POST /v1/images/generations`: `prompt`, `n` (1–10), `size` as 'WxH'. */
export function planImages(raw: unknown): MediaPlan {
  const body = asObject(raw);
  if (typeof body === 'string') return body;
  if (typeof body.prompt !== 'string' || body.prompt === '') return 'prompt: expected a non-empty string';
  const n = body.n ?? 1;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10) return `n: expected an integer from 1 to 10, got ${JSON.stringify(n)}`;
  if (body.size !== undefined && (typeof body.size !== 'string' || !/^\d+x\d+$/.test(body.size))) return `size: expected 'WIDTHxHEIGHT' such as '1024x1024', got ${JSON.stringify(body.size)}`;
  const inputTokens = getTokenizer('cl100k_base').count(body.prompt);
  const png = encodePng(ANSWER_IMAGE_SIDE, ANSWER_IMAGE_SIDE, 0).toString('base64');
  return {
    kind: 'images',
    n,
    inputTokens,
    body: () => ({
      created: Math.floor(Date.now() / 1000),
      data: Array.from({ length: n }, () => ({ b64_json: png })),
      usage: { input_tokens: inputTokens, output_tokens: 0, total_tokens: inputTokens },
    }),
  };
}

/** OpenAI `POST /v1/audio/speech`: `input` text, `response_format` wav or pcm (the mock has no mp3 encoder). */
export function planSpeech(raw: unknown): MediaPlan {
  const body = asObject(raw);
  if (typeof body === 'string') return body;
  if (typeof body.input !== 'string' || body.input === '') return 'input: expected a non-empty string';
  const format = body.response_format ?? 'mp3';
  if (format !== 'wav' && format !== 'pcm') return `response_format: the mock serves "wav" and "pcm", got ${JSON.stringify(format)}`;
  return { kind: 'speech', seconds: body.input.length / SPEECH_CHARS_PER_SECOND, format, inputChars: body.input.length };
}

/**
 * OpenAI `POST /v1/audio/transcriptions`: multipart with a WAV `file`. The
 * transcript has TRANSCRIPT_TOKENS_PER_SECOND tokens per second of audio.
 */
export async function planTranscription(contentType: string | undefined, raw: Buffer): Promise<MediaPlan> {
  if (!contentType?.toLowerCase().startsWith('multipart/form-data')) return 'expected a multipart/form-data body with a `file` field';
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(raw) as Uint8Array<ArrayBuffer>, { headers: { 'content-type': contentType } }).formData();
  } catch (err) {
    return `malformed multipart body (${(err as Error).message})`;
  }
  const file = form.get('file');
  if (file === null || typeof file === 'string') return 'file: expected an audio file part';
  const bytes = Buffer.from(await file.arrayBuffer());
  const seconds = audioSeconds('wav', bytes, bytes.length);
  if (seconds === undefined) return 'file: the mock reads 16-bit PCM WAV files only';
  const outputTokens = Math.max(1, Math.round(seconds * TRANSCRIPT_TOKENS_PER_SECOND));
  const model = form.get('model');
  return {
    kind: 'transcription',
    seconds,
    outputTokens,
    body: () => ({
      text: tokenText(0, 0, outputTokens),
      usage: { type: 'tokens', input_tokens: Math.round(seconds * 10), output_tokens: outputTokens, total_tokens: Math.round(seconds * 10) + outputTokens },
      ...(typeof model === 'string' ? { model } : {}),
    }),
  };
}

/** Model named by a JSON media request, for the ground truth's sake. */
export function mediaModel(raw: unknown): string {
  const body = asObject(raw);
  return typeof body === 'string' ? 'mock-media' : readModel(body, 'mock-media');
}

/**
 * Streams the audio of a speech answer: a WAV header (wav) and the first
 * chunk at receivedAt + ttft, then one chunk of SPEECH_CHUNK_SECONDS every
 * itl, each due time computed from the start so lateness never adds up.
 */
export class AudioStream extends ScheduledStream {
  private sent = 0;
  private readonly totalBytes: number;
  private readonly chunkBytes: number;
  private readonly chunks: number;
  private silence: Buffer;

  constructor(
    res: ServerResponse,
    record: GroundTruthRecord,
    private readonly plan: { seconds: number; format: 'wav' | 'pcm'; ttftMs: number; itlMs: number },
    private readonly startedAt: number,
    onDone: (stream: Abortable) => void,
  ) {
    super(res, record, onDone);
    this.totalBytes = Math.round(plan.seconds * PCM_SAMPLE_RATE) * 2;
    this.chunkBytes = Math.round(SPEECH_CHUNK_SECONDS * PCM_SAMPLE_RATE) * 2;
    this.chunks = Math.max(1, Math.ceil(this.totalBytes / this.chunkBytes));
    this.silence = Buffer.alloc(this.chunkBytes);
  }

  start(): void {
    const type = this.plan.format === 'wav' ? 'audio/wav' : 'audio/pcm';
    this.res.writeHead(200, { 'content-type': type, 'x-mock-request-id': this.record.id });
    this.res.flushHeaders();
    this.begin();
  }

  protected dueAt(): number {
    return this.startedAt + this.plan.ttftMs + this.sent * this.plan.itlMs;
  }

  protected step(): void {
    const from = this.sent * this.chunkBytes;
    const size = Math.min(this.chunkBytes, this.totalBytes - from);
    let chunk = size === this.chunkBytes ? this.silence : this.silence.subarray(0, Math.max(0, size));
    if (this.sent === 0 && this.plan.format === 'wav') {
      const head = Buffer.alloc(44);
      writeWavHeader(head, PCM_SAMPLE_RATE, this.totalBytes);
      chunk = Buffer.concat([head, chunk]);
    }
    this.sent++;
    const now = epochNow();
    this.record.firstTokenAt ??= now;
    this.record.firstContentAt ??= now;
    this.record.lastTokenAt = now;
    this.record.chunks++;
    if (this.sent >= this.chunks) {
      this.res.end(chunk);
      this.finish();
    } else this.res.write(chunk);
  }
}
