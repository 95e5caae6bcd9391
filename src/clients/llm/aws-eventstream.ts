import { EventStreamCodec } from '@smithy/core/event-streams';
import type { EventSourceMessage } from 'eventsource-parser';
import type { StreamDecoder } from './exchange.js';

/** Content type of AWS's binary event streams (Bedrock's ConverseStream). */
export const AWS_EVENTSTREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

/** A message larger than this fails the stream as malformed, like an SSE event over 1 MiB. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

const utf8 = {
  toUtf8: (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
  fromUtf8: (text: string): Uint8Array => Buffer.from(text, 'utf8'),
};

/** The AWS SDK's codec (CRC checks, typed headers): one per thread, it keeps no state between decode() calls. */
let codec: EventStreamCodec | undefined;
export function awsEventStreamCodec(): EventStreamCodec {
  return (codec ??= new EventStreamCodec(utf8.toUtf8, utf8.fromUtf8));
}

/**
 * Cuts the body into messages by their length prelude (the first 4 bytes,
 * big-endian, count the whole message) and hands each to the SDK's codec.
 * Each message becomes an event named by its `:event-type` header (or
 * `:exception-type` for an exception, prefixed `exception:`), with the UTF-8
 * payload as data.
 */
export class AwsEventStreamDecoder implements StreamDecoder {
  overflow = false;
  problem: string | undefined;
  private pending: Buffer | undefined;

  constructor(private readonly onEvent: (ev: EventSourceMessage) => void) {}

  feed(bytes: Buffer, start: number, end: number): void {
    if (this.overflow || end <= start) return;
    // A copy of what is left over: the socket transport reuses its read buffer.
    let buf = this.pending ? Buffer.concat([this.pending, bytes.subarray(start, end)]) : bytes.subarray(start, end);
    this.pending = undefined;
    while (buf.length >= 4) {
      const length = buf.readUInt32BE(0);
      if (length < 16 || length > MAX_MESSAGE_BYTES) {
        this.problem = `an event-stream message of ${length} bytes (expected 16 B .. 1 MiB)`;
        this.overflow = true;
        return;
      }
      if (buf.length < length) break;
      try {
        this.emit(buf.subarray(0, length));
      } catch (err) {
        this.problem = `bad event-stream message (${(err as Error).message})`;
        this.overflow = true;
        return;
      }
      buf = buf.subarray(length);
    }
    if (buf.length > 0) this.pending = Buffer.from(buf);
  }

  end(): void {
    // A partial message at the end is a broken stream: the exchange sees no end marker.
    this.pending = undefined;
  }

  private emit(message: Buffer): void {
    const m = awsEventStreamCodec().decode(message);
    const type = m.headers[':message-type']?.value;
    const name = type === 'exception' || type === 'error' ? `exception:${String(m.headers[':exception-type']?.value ?? m.headers[':error-code']?.value ?? 'error')}` : String(m.headers[':event-type']?.value ?? '');
    this.onEvent({ event: name, data: utf8.toUtf8(m.body), id: undefined });
  }
}
