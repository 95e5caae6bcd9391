import type { LlmErrorKind } from '../../api/llm.js';
import type { LlmRecorder } from '../../metrics/llm-groups.js';
import { audioSeconds } from '../../workload/audio.js';
import type { Endpoint } from './adapter.js';
import type { ExchangeOutcome } from './exchange.js';
import { recordFailure } from './finish.js';

/**
 * GenAI Bench's media tasks on OpenAI-compatible servers: text to image, text
 * to speech, speech to text. What each records is defined in
 * docs/llm-metrics.md#media.
 */
export const MEDIA_ENDPOINTS = {
  images: { path: '/v1/images/generations', name: '/v1/images/generations' },
  speech: { path: '/v1/audio/speech', name: '/v1/audio/speech' },
  transcriptions: { path: '/v1/audio/transcriptions', name: '/v1/audio/transcriptions' },
} satisfies Record<string, Endpoint>;

/** Bytes of a speech answer kept to read its format: a WAV header. */
export const SPEECH_HEAD_BYTES = 44;

/** A multipart body: bytes and the content type that names its boundary. */
export interface RawBody {
  bytes: Buffer;
  contentType: string;
}

/**
 * The multipart form of a transcription request, encoded by undici's
 * FormData/Response (the same code fetch() uses) rather than by hand.
 */
export async function transcriptionForm(audio: Uint8Array, fileName: string, fields: Record<string, unknown>): Promise<RawBody> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(audio)]), fileName);
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || v === null) continue;
    form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  const res = new Response(form);
  const contentType = res.headers.get('content-type')!;
  return { bytes: Buffer.from(await res.arrayBuffer()), contentType };
}

/** Images in an images/generations answer, counted without decoding them. */
export function countImages(bodyText: string): number | undefined {
  try {
    const data = (JSON.parse(bodyText) as { data?: unknown }).data;
    return Array.isArray(data) ? data.length : undefined;
  } catch {
    return undefined;
  }
}

/** Seconds of audio in a WAV file given as bytes, when it is one. */
export function wavSeconds(audio: Uint8Array): number | undefined {
  const b = Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength);
  return audioSeconds('wav', b, b.length);
}

/** The audio of a speech answer: its length when the format tells it. */
export function speechAudio(format: string, out: ExchangeOutcome): { bytes: number; seconds: number | undefined } {
  const head = out.head ?? Buffer.alloc(0);
  return { bytes: out.bytes, seconds: audioSeconds(format, head, out.bytes) };
}

/**
 * A successful media request: the request row and llm.requests; its E2E under
 * its name only, as for embeddings (the totals' latency series are generation's).
 */
function recordOk(recorder: LlmRecorder, name: string, out: ExchangeOutcome): number {
  const e2eMs = out.endMs - out.startMs;
  recorder.recordRequest({ method: 'POST', name, durationMs: e2eMs, bytes: out.bytes });
  recorder.add('llm.requests', 1);
  recorder.recordNameTrend?.('llm.e2e', e2eMs);
  return e2eMs;
}

/**
 * Audio in `llm.audio_ms` (whole ms, so counters stay integers) and its speed,
 * audio seconds per second of e2e, in the `llm.audio_speed` trend (stored as
 * the figure itself, like llm.output_speed).
 */
function recordAudio(recorder: LlmRecorder, seconds: number | undefined, e2eMs: number): void {
  if (seconds === undefined) return;
  recorder.add('llm.audio_ms', Math.round(seconds * 1000));
  if (e2eMs > 0) recorder.recordTrend('llm.audio_speed', seconds / (e2eMs / 1000));
}

/** Records a media request; returns the failure to put on the result, if any. */
export function recordMedia(
  recorder: LlmRecorder,
  name: string,
  out: ExchangeOutcome,
  figures: { inputTokens?: number; outputTokens?: number; images?: number; inputChars?: number; audioSeconds?: number; ttft?: boolean },
): { error: string; errorKind: LlmErrorKind } | undefined {
  if (out.errorKind !== undefined) {
    const error = out.errorMessage ?? out.errorKind;
    recordFailure(recorder, name, out, error);
    return { error, errorKind: out.errorKind };
  }
  const e2eMs = recordOk(recorder, name, out);
  if (figures.ttft && out.firstTokenMs !== undefined) recorder.recordNameTrend?.('llm.ttft', out.firstTokenMs - out.startMs);
  if (figures.inputTokens) recorder.add('llm.input_tokens', figures.inputTokens);
  if (figures.outputTokens) recorder.add('llm.output_tokens', figures.outputTokens);
  if (figures.images) recorder.add('llm.images', figures.images);
  if (figures.inputChars) recorder.add('llm.input_chars', figures.inputChars);
  recordAudio(recorder, figures.audioSeconds, e2eMs);
  return undefined;
}
