import { describe, expect, it } from 'vitest';
import { createParser } from 'eventsource-parser';
import { SseDecoder, MAX_SSE_BUFFER_CHARS } from '../../../../src/clients/llm/sse.js';
import { seededRandom } from '../../../../src/util/random.js';

/** Bytes around a fed range that must never be read: line ends, a CR and an event start. */
const JUNK = Buffer.from('\n\n\rdata: junk\n\n\r');

function decode(chunks: Array<string | Uint8Array>, end = true, framed = false) {
  const events: Array<{ event?: string; data: string }> = [];
  const d = new SseDecoder((e) => events.push({ event: e.event, data: e.data }));
  for (const c of chunks) {
    const bytes = typeof c === 'string' ? Buffer.from(c) : c;
    // The socket transport feeds ranges of its read buffer, with stale bytes after them.
    if (framed) d.feed(Buffer.concat([JUNK, bytes, JUNK]), JUNK.length, JUNK.length + bytes.length);
    else d.feed(bytes);
  }
  if (end) d.end();
  return { events, overflow: d.overflow };
}

describe('SseDecoder', () => {
  it('handles \\r\\n line endings', () => {
    expect(decode(['data: {"a":1}\r\n\r\ndata: [DONE]\r\n\r\n']).events.map((e) => e.data)).toEqual(['{"a":1}', '[DONE]']);
  });

  it('accepts data: without a space, and ignores comments and unknown fields', () => {
    expect(decode([': keep-alive\n\ndata:{"a":1}\n\nfoo: bar\ndata: x\n\n']).events.map((e) => e.data)).toEqual(['{"a":1}', 'x']);
  });

  it('joins an event split across chunks, even inside "data:"', () => {
    expect(decode(['da', 'ta: {"a":', '1}\n', '\n']).events.map((e) => e.data)).toEqual(['{"a":1}']);
  });

  it('delivers several events of one chunk in order, with their names', () => {
    const { events } = decode(['event: message_start\ndata: 1\n\nevent: ping\ndata: 2\n\ndata: 3\n\n']);
    expect(events).toEqual([
      { event: 'message_start', data: '1' },
      { event: 'ping', data: '2' },
      { event: undefined, data: '3' },
    ]);
  });

  it('decodes a UTF-8 character split across chunks', () => {
    const bytes = Buffer.from('data: {"c":"héllo 🎉"}\n\n');
    const cut = bytes.indexOf(0xf0) + 2; // inside the 4-byte emoji
    const { events } = decode([bytes.subarray(0, 10), bytes.subarray(10, cut), bytes.subarray(cut)]);
    expect(events.map((e) => e.data)).toEqual(['{"c":"héllo 🎉"}']);
  });

  it('joins multi-line data with \\n', () => {
    expect(decode(['data: a\ndata: b\n\n']).events.map((e) => e.data)).toEqual(['a\nb']);
  });

  it('at a clean end, delivers a last event that lacks its blank line', () => {
    expect(decode(['data: [DONE]\n']).events.map((e) => e.data)).toEqual(['[DONE]']);
    expect(decode(['data: [DONE]'], false).events).toEqual([]);
  });

  it('flags a line over the bound instead of buffering it', () => {
    const big = 'data: ' + 'x'.repeat(MAX_SSE_BUFFER_CHARS + 10);
    const { events, overflow } = decode([big.slice(0, 600_000), big.slice(600_000)], false);
    expect(overflow).toBe(true);
    expect(events).toEqual([]);
  });
});

/** The reference: eventsource-parser over one streaming UTF-8 decoder, nothing else. */
function reference(chunks: Uint8Array[]) {
  const events: Array<{ event?: string; data: string }> = [];
  const text = new TextDecoder('utf-8');
  const parser = createParser({ onEvent: (e) => events.push({ event: e.event, data: e.data }) });
  for (const c of chunks) parser.feed(text.decode(c, { stream: true }));
  parser.feed(text.decode() + '\n\n');
  return events;
}

/** Cuts bytes at random places (sometimes one byte at a time, sometimes not at all). */
function cut(bytes: Buffer, random: () => number): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const r = random();
    const len = r < 0.2 ? 1 : r < 0.4 ? bytes.length : 1 + Math.floor(random() * 80);
    out.push(bytes.subarray(at, at + len));
    at += len;
  }
  return out;
}

describe('SseDecoder fast path', () => {
  const openai = (s: string) => `data: {"id":"c1","choices":[{"index":0,"delta":{"content":"${s}"},"finish_reason":null}]}\n\n`;
  const streams: Record<string, string> = {
    'plain data events': openai('Hello') + openai(' wörld 🎉') + openai('') + 'data: [DONE]\n\n',
    'data: without a space, and empty data': 'data:{"a":1}\n\ndata:\n\ndata: \n\ndata: x\n\n',
    'named events, comments and ids in between': openai('a') + 'event: ping\ndata: {}\n\n: keep-alive\n\n' + openai('b') + 'id: 7\ndata: c\n\n' + openai('d'),
    'multi-line data': openai('a') + 'data: one\ndata: two\n\n' + openai('b'),
    'CRLF and CR line ends mixed with LF': openai('a') + 'data: b\r\n\r\ndata: c\r\rdata: d\n\n' + openai('e'),
    'a BOM at the start': '\uFEFF' + openai('a') + openai('b'),
    'U+FEFF later is text, not a BOM': openai('a') + '\uFEFFdata: hidden\n\n' + openai('b'),
    'last event without its blank line': openai('a') + 'data: [DONE]\n',
    'fields without a colon and unknown fields': openai('a') + 'data\n\nfoo: bar\ndata: x\n\n' + openai('b'),
    'blank lines between events': '\n\n' + openai('a') + '\n\n\n' + openai('b'),
  };
  for (const [name, text] of Object.entries(streams)) {
    it(`reads exactly what the reference path reads: ${name}`, () => {
      const bytes = Buffer.from(text, 'utf8');
      const random = seededRandom(text.length);
      for (let round = 0; round < 200; round++) {
        const chunks = round === 0 ? [bytes] : cut(bytes, random);
        const fast = decode(chunks);
        expect(fast.overflow).toBe(false);
        expect(fast.events).toEqual(reference(chunks));
        expect(decode(chunks, true, true).events).toEqual(fast.events);
      }
    });
  }

  it('is reusable after reset, with a BOM again allowed at the start', () => {
    const events: string[] = [];
    const d = new SseDecoder((e) => events.push(e.data));
    d.feed(Buffer.from('data: a\n\ndata: cut'));
    d.reset();
    d.feed(Buffer.from('\uFEFFdata: b\n\n'));
    d.end();
    expect(events).toEqual(['a', 'b']);
  });
});
