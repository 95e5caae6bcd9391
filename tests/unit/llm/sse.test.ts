import { describe, expect, it } from 'vitest';
import { SseDecoder, MAX_SSE_BUFFER_CHARS } from '../../../src/clients/llm/sse.js';

function decode(chunks: Array<string | Uint8Array>, end = true) {
  const events: Array<{ event?: string; data: string }> = [];
  const d = new SseDecoder((e) => events.push({ event: e.event, data: e.data }));
  for (const c of chunks) d.feed(typeof c === 'string' ? Buffer.from(c) : c);
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
