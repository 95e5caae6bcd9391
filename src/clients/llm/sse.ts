import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';

/** A line (or a multi-line event) longer than this is a malformed stream, not something to buffer. */
export const MAX_SSE_BUFFER_CHARS = 1024 * 1024;

/** Buffer's own UTF-8 slice, public on every Buffer but missing from @types/node. */
type NodeBuffer = Buffer & { utf8Slice(start: number, end: number): string };

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const STREAM = { stream: true } as const;
const ONE_LF = Uint8Array.of(LF);

/**
 * Bytes in, SSE events out. The reference path is eventsource-parser over a
 * streaming UTF-8 decoder: it handles everything SSE allows (CR and CRLF line
 * ends, comments, `event:`/`id:` fields, multi-line data, events and
 * characters split across chunks).
 *
 * Hot path: LLM servers send almost every chunk as whole `data: {…}\n\n`
 * events and nothing else. When a chunk starts where the previous one left
 * the stream at an event boundary, such events are cut straight out of the
 * bytes: one native indexOf per event, and the payload is the only string
 * made, instead of a decode of the whole chunk and a line split. It reads
 * byte-for-byte what the reference path would; at the first byte that is
 * anything else (another field, a comment, a CR anywhere in the chunk, an
 * event that continues in the next chunk) the rest of the chunk goes to the
 * reference path, which then starts at an event boundary too, so the two
 * agree (tests/unit/clients/llm/sse.test.ts checks them against each other). The
 * reference path hands the stream back once a chunk ends with a blank line.
 */
export class SseDecoder {
  private text: TextDecoder | undefined;
  private parser: EventSourceParser | undefined;
  /** The stream is at an event boundary: nothing is pending in the decoder or the parser. */
  private atBoundary = true;
  /** No byte of this stream has been seen yet (a BOM may still come). */
  private atStart = true;
  /** The stream's first byte could start a BOM, which the decoder then drops. */
  private bomAtStart = false;
  /** The decoder has seen this stream's start (see decoder()). */
  private decoderStarted = false;
  /** Reused for every event of the fast path; read it in the callback, do not keep it. */
  private readonly message: EventSourceMessage = { id: undefined, event: undefined, data: '' };
  /** Set when the stream broke the size bound; the caller fails the request as malformed. */
  overflow = false;

  /**
   * @param onEvent receives every event.
   * @param onPayload may take a fast-path data-only event straight from the
   *   bytes (payload bytes[start, end)); when it returns true, onEvent is not
   *   called for it. It must only take payloads without a CR byte (a CR would
   *   have ended the line there).
   */
  constructor(
    private readonly onEvent: (event: EventSourceMessage) => void,
    private readonly onPayload?: (bytes: Buffer, start: number, end: number) => boolean,
  ) {}

  /**
   * Feeds bytes[start, end) (the whole array by default); events are
   * delivered synchronously through onEvent, and nothing of `bytes` is kept.
   */
  feed(bytes: Uint8Array, start = 0, end = bytes.length): void {
    if (this.overflow || end <= start) return;
    if (this.atStart) {
      this.atStart = false;
      this.bomAtStart = bytes[start] === 0xef;
    }
    const from = this.atBoundary ? this.fastEvents(bytes, start, end) : start;
    if (from === end) return;
    const rest = bytes.subarray(from, end);
    const s = this.decoder().decode(rest, STREAM);
    if (s.length > 0) this.referenceParser().feed(s);
    const n = rest.length;
    this.atBoundary = n >= 2 && rest[n - 1] === LF && rest[n - 2] === LF;
  }

  /**
   * At a clean end of the body: delivers a final event that lacks its closing
   * blank line (some servers end with a single '\n'). Not called on a broken
   * connection, where the last event may be cut in half.
   */
  end(): void {
    if (this.overflow || this.atBoundary) return;
    const rest = this.decoder().decode();
    this.referenceParser().feed(rest + '\n\n');
    this.atBoundary = true;
  }

  reset(): void {
    this.text?.decode();
    this.parser?.reset();
    this.overflow = false;
    this.atBoundary = true;
    this.atStart = true;
    this.decoderStarted = false;
  }

  /**
   * Delivers the whole `data:` events at the start of bytes[start, n) and
   * returns where it stopped (n when it took them all).
   */
  private fastEvents(bytes: Uint8Array, start: number, n: number): number {
    const buf = (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as NodeBuffer;
    let pos = start;
    while (pos < n) {
      // "data:" (d a t a :), then an optional space.
      if (bytes[pos] !== 0x64 || bytes[pos + 1] !== 0x61 || bytes[pos + 2] !== 0x74 || bytes[pos + 3] !== 0x61 || bytes[pos + 4] !== 0x3a) return pos;
      let from = pos + 5;
      if (bytes[from] === SPACE) from++;
      const lf = bytes.indexOf(LF, from);
      // The event must end here, with a blank line: a second data line or a split event is the reference path's.
      if (lf < 0 || lf + 1 >= n || bytes[lf + 1] !== LF) return pos;
      // A payload the stream's template matches holds no CR (onPayload's contract), so only other events need the check.
      if (this.onPayload !== undefined && this.onPayload(buf, from, lf)) {
        pos = lf + 2;
        continue;
      }
      // A CR ends lines too (alone or as CRLF): leave such an event to the reference path.
      if (hasCr(bytes, from, lf)) return pos;
      // utf8Slice is toString('utf8', start, end) without its argument handling (undici uses it too).
      this.message.data = from === lf ? '' : buf.utf8Slice(from, lf);
      this.onEvent(this.message);
      pos = lf + 2;
    }
    return n;
  }

  /**
   * The streaming decoder, made on first use. Only the stream's first bytes may
   * be a BOM (the decoder drops it); when the decoder first sees the stream
   * later than that, or the stream did not start with one, it is primed with a
   * newline so that a U+FEFF it meets stays text.
   */
  private decoder(): TextDecoder {
    const text = (this.text ??= new TextDecoder('utf-8'));
    if (!this.decoderStarted) {
      this.decoderStarted = true;
      if (!this.bomAtStart) text.decode(ONE_LF, STREAM);
    }
    return text;
  }

  private referenceParser(): EventSourceParser {
    return (this.parser ??= createParser({
      onEvent: this.onEvent,
      maxBufferSize: MAX_SSE_BUFFER_CHARS,
      // Unknown fields and bad `retry:` lines are ignored, as the SSE spec says; only the bound is fatal.
      onError: (err) => {
        if (err.type === 'max-buffer-size-exceeded') this.overflow = true;
      },
    }));
  }
}

/** Whether bytes[from, to) holds a CR. A loop, not indexOf: the bytes may be a view of a larger read buffer, and indexOf would search all of it. */
function hasCr(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] === CR) return true;
  return false;
}
