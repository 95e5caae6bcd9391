import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';

/** A line (or a multi-line event) longer than this is a malformed stream, not something to buffer. */
export const MAX_SSE_BUFFER_CHARS = 1024 * 1024;

/**
 * Bytes in, SSE events out. UTF-8 is decoded in streaming mode, so a character
 * split across two network chunks is decoded whole; framing is eventsource-parser's.
 * One decoder per LLM client, reset between requests (a user's requests are sequential).
 */
export class SseDecoder {
  private readonly text = new TextDecoder('utf-8');
  private readonly parser: EventSourceParser;
  /** Set when the stream broke the size bound; the caller fails the request as malformed. */
  overflow = false;

  constructor(onEvent: (event: EventSourceMessage) => void) {
    this.parser = createParser({
      onEvent,
      maxBufferSize: MAX_SSE_BUFFER_CHARS,
      // Unknown fields and bad `retry:` lines are ignored, as the SSE spec says; only the bound is fatal.
      onError: (err) => {
        if (err.type === 'max-buffer-size-exceeded') this.overflow = true;
      },
    });
  }

  /** Feeds bytes; events are delivered synchronously through onEvent. */
  feed(bytes: Uint8Array): void {
    if (this.overflow) return;
    const s = this.text.decode(bytes, { stream: true });
    if (s.length > 0) this.parser.feed(s);
  }

  /**
   * At a clean end of the body: delivers a final event that lacks its closing
   * blank line (some servers end with a single '\n'). Not called on a broken
   * connection, where the last event may be cut in half.
   */
  end(): void {
    if (this.overflow) return;
    const rest = this.text.decode();
    this.parser.feed(rest + '\n\n');
  }

  reset(): void {
    this.text.decode();
    this.parser.reset();
    this.overflow = false;
  }
}
