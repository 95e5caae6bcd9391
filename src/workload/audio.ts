/**
 * Audio for speech requests: WAV files to send to a transcription endpoint, and
 * the duration of the audio a speech endpoint sends back. 16-bit mono PCM only:
 * what every speech server accepts and produces, and what needs no codec.
 */

/** OpenAI's `pcm` output: 24 kHz, 16-bit, mono, little-endian, no header. */
export const PCM_SAMPLE_RATE = 24_000;
const BYTES_PER_SAMPLE = 2;
const WAV_HEADER_BYTES = 44;
/** Longest generated clip: OpenAI's transcription limit is 25 MB, about 13 minutes at 16 kHz. */
export const MAX_AUDIO_SECONDS = 600;

const built = new Map<string, Buffer>();

/**
 * A WAV file of `seconds` of a quiet tone (a tone rather than silence, since
 * some servers skip silence before transcribing). Cached per length and rate:
 * requests of one shape share one buffer.
 */
export function wavClip(seconds: number, sampleRate = 16_000): Buffer {
  const key = `${seconds}/${sampleRate}`;
  let wav = built.get(key);
  if (wav === undefined) {
    wav = buildWav(seconds, sampleRate);
    built.set(key, wav);
  }
  return wav;
}

function buildWav(seconds: number, sampleRate: number): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const dataBytes = samples * BYTES_PER_SAMPLE;
  const wav = Buffer.alloc(WAV_HEADER_BYTES + dataBytes);
  writeWavHeader(wav, sampleRate, dataBytes);
  const step = (2 * Math.PI * 440) / sampleRate;
  for (let i = 0; i < samples; i++) wav.writeInt16LE(Math.round(Math.sin(i * step) * 3000), WAV_HEADER_BYTES + i * BYTES_PER_SAMPLE);
  return wav;
}

/** Writes a canonical 44-byte RIFF/WAVE header for 16-bit mono PCM at the start of `into`. */
export function writeWavHeader(into: Buffer, sampleRate: number, dataBytes: number): void {
  into.write('RIFF', 0, 'ascii');
  into.writeUInt32LE(36 + dataBytes, 4);
  into.write('WAVE', 8, 'ascii');
  into.write('fmt ', 12, 'ascii');
  into.writeUInt32LE(16, 16);
  into.writeUInt16LE(1, 20); // PCM
  into.writeUInt16LE(1, 22); // mono
  into.writeUInt32LE(sampleRate, 24);
  into.writeUInt32LE(sampleRate * BYTES_PER_SAMPLE, 28);
  into.writeUInt16LE(BYTES_PER_SAMPLE, 32);
  into.writeUInt16LE(16, 34);
  into.write('data', 36, 'ascii');
  into.writeUInt32LE(dataBytes, 40);
}

/**
 * Seconds of audio in a speech answer of `bytes` bytes whose first bytes are
 * `head`: a WAV header gives its byte rate; `pcm` is OpenAI's 24 kHz 16-bit
 * mono. Undefined for compressed formats (mp3, opus, aac, flac), whose length
 * needs a decoder.
 */
export function audioSeconds(format: string, head: Buffer, bytes: number): number | undefined {
  if (format === 'pcm') return bytes / (PCM_SAMPLE_RATE * BYTES_PER_SAMPLE);
  if (format !== 'wav' || head.length < WAV_HEADER_BYTES || head.toString('ascii', 0, 4) !== 'RIFF') return undefined;
  const byteRate = head.readUInt32LE(28);
  return byteRate > 0 ? Math.max(0, bytes - WAV_HEADER_BYTES) / byteRate : undefined;
}
