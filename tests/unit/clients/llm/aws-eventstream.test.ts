import { EventStreamCodec } from '@smithy/core/event-streams';
import type { EventSourceMessage } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { AwsEventStreamDecoder } from '../../../../src/clients/llm/aws-eventstream.js';
import { parseBedrockEvent } from '../../../../src/clients/llm/bedrock.js';
import { StreamDelta } from '../../../../src/clients/llm/adapter.js';

const codec = new EventStreamCodec((b) => Buffer.from(b).toString('utf8'), (s) => Buffer.from(s, 'utf8'));
const str = (value: string) => ({ type: 'string' as const, value });
function message(eventType: string, payload: unknown, messageType = 'event'): Buffer {
  const headers: Record<string, ReturnType<typeof str>> =
    messageType === 'event' ? { ':event-type': str(eventType), ':message-type': str('event') } : { ':exception-type': str(eventType), ':message-type': str('exception') };
  return Buffer.from(codec.encode({ headers, body: Buffer.from(JSON.stringify(payload)) }));
}

function decodeAll(bytes: Buffer, pieceSize: number): { events: EventSourceMessage[]; decoder: AwsEventStreamDecoder } {
  const events: EventSourceMessage[] = [];
  const decoder = new AwsEventStreamDecoder((ev) => events.push(ev));
  const piece = Buffer.alloc(pieceSize + 4);
  for (let i = 0; i < bytes.length; i += pieceSize) {
    // A view into one reused buffer, as the socket transport gives it.
    const n = bytes.copy(piece, 2, i, Math.min(bytes.length, i + pieceSize));
    decoder.feed(piece, 2, 2 + n);
    piece.fill(0);
  }
  decoder.end();
  return { events, decoder };
}

describe('AWS event-stream decoding (Bedrock ConverseStream)', () => {
  const stream = Buffer.concat([
    message('messageStart', { role: 'assistant' }),
    message('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hello' } }),
    message('contentBlockDelta', { contentBlockIndex: 0, delta: { text: ' wörld' } }),
    message('messageStop', { stopReason: 'end_turn' }),
    message('metadata', { usage: { inputTokens: 7, outputTokens: 2 } }),
  ]);

  it.each([1, 3, 17, 64, 4096])('gives the same events whatever the read sizes (%i bytes at a time)', (size) => {
    const { events, decoder } = decodeAll(stream, size);
    expect(decoder.overflow).toBe(false);
    expect(events.map((e) => e.event)).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta', 'messageStop', 'metadata']);
    const d = new StreamDelta();
    const text: string[] = [];
    for (const e of events) {
      d.clear();
      parseBedrockEvent(e.event, e.data, d);
      if (d.content) text.push(d.content);
      if (e.event === 'messageStop') expect(d.finishReason).toBe('end_turn');
      if (e.event === 'metadata') expect(d).toMatchObject({ usage: { inputTokens: 7, outputTokens: 2 }, done: true });
    }
    expect(text.join('')).toBe('Hello wörld');
  });

  it('an exception message is a stream error naming its type', () => {
    const { events } = decodeAll(message('throttlingException', { message: 'Too many requests' }, 'exception'), 4096);
    const d = new StreamDelta();
    parseBedrockEvent(events[0]!.event, events[0]!.data, d);
    expect(d.error).toBe('throttlingException: Too many requests');
  });

  it('a corrupted message (bad CRC) fails the stream as malformed, not a crash', () => {
    const bad = Buffer.from(stream);
    bad[bad.length - 20] ^= 0xff;
    const { decoder } = decodeAll(bad, 4096);
    expect(decoder.overflow).toBe(true);
    expect(decoder.problem).toMatch(/bad event-stream message/);
  });
});
