import { describe, expect, it } from 'vitest';
import { hasNonNullKey, keyNeedle, scanString, StreamDelta } from '../../../../src/clients/llm/adapter.js';
import { anthropicAdapter } from '../../../../src/clients/llm/anthropic.js';
import { azureAdapter } from '../../../../src/clients/llm/azure.js';
import { cohereAdapter } from '../../../../src/clients/llm/cohere.js';
import { openaiAdapter, scanNumber } from '../../../../src/clients/llm/openai.js';

const cfg = { model: 'm', apiKey: 'sk-secret-key', ignoreEos: true };

function parse(adapter: ReturnType<typeof openaiAdapter>, data: string, event?: string): StreamDelta {
  const d = new StreamDelta();
  adapter.parseChatEvent(event, data, d);
  return d;
}

const chunk = (delta: string, extra = '') =>
  `{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":null}]${extra}}`;

describe('scanString (fast path)', () => {
  it('reads plain and escaped strings, and declines other shapes', () => {
    expect(scanString(chunk('{"content":"Hello"}'), 'delta":{"content":"')).toBe('Hello');
    expect(scanString(chunk('{"content":"a \\"q\\" \\\\ \\n \\u00e9"}'), 'delta":{"content":"')).toBe('a "q" \\ \n é');
    expect(scanString(chunk('{"content":"x","reasoning_content":null}'), 'delta":{"content":"')).toBeUndefined();
    expect(scanString(chunk('{"role":"assistant","content":""}'), 'delta":{"content":"')).toBeUndefined();
    expect(scanString('{"delta":{"content":"unterminated', 'delta":{"content":"')).toBeUndefined();
    // A key that merely ends like the marker is not the marker.
    expect(scanString('{"xdelta":{"content":"no"}}', 'delta":{"content":"')).toBeUndefined();
  });

  it('hasNonNullKey finds real non-null keys only', () => {
    expect(hasNonNullKey('{"a":1,"usage":null}', keyNeedle('usage'))).toBe(false);
    expect(hasNonNullKey('{"usage":{"prompt_tokens":1}}', keyNeedle('usage'))).toBe(true);
    expect(hasNonNullKey('{"nousage":{"x":1},"usage":null}', keyNeedle('usage'))).toBe(false);
    expect(hasNonNullKey('{"finish_reason":"stop"}', keyNeedle('finish_reason'))).toBe(true);
    expect(hasNonNullKey('{"finish_reason":null}', keyNeedle('finish_reason'))).toBe(false);
  });
});

describe('OpenAI-compatible events', () => {
  const a = openaiAdapter(cfg);

  it('a role-only opening chunk carries no token', () => {
    const d = parse(a, chunk('{"role":"assistant","content":""}'));
    expect(d.content).toBe('');
    expect(d.reasoning).toBe('');
  });

  it('reads content, reasoning_content and reasoning', () => {
    expect(parse(a, chunk('{"content":" the"}', ',"usage":null')).content).toBe(' the');
    expect(parse(a, chunk('{"reasoning_content":"hmm"}')).reasoning).toBe('hmm');
    expect(parse(a, chunk('{"reasoning":"think","content":null}')).reasoning).toBe('think');
    expect(parse(a, chunk('{"content":"x","reasoning_content":"y"}'))).toMatchObject({ content: 'x', reasoning: 'y' });
  });

  it('falls back to JSON.parse for spaced JSON and finish chunks', () => {
    expect(parse(a, '{"choices": [{"index": 0, "delta": {"content": "spaced"}}]}').content).toBe('spaced');
    const d = parse(a, '{"choices":[{"index":0,"delta":{"content":"end"},"finish_reason":"length"}]}');
    expect(d).toMatchObject({ content: 'end', finishReason: 'length' });
  });

  it('reads the usage-only last chunk with empty choices', () => {
    const d = parse(
      a,
      '{"id":"c1","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46,"completion_tokens_details":{"reasoning_tokens":5}}}',
    );
    expect(d.usage).toEqual({ inputTokens: 12, outputTokens: 34, reasoningTokens: 5 });
    expect(d.content).toBe('');
  });

  it('reads the cached input tokens of a prefix cache (prompt_tokens_details.cached_tokens), absent when not reported', () => {
    const d = parse(a, '{"id":"c1","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":1024}}}');
    expect(d.usage).toMatchObject({ inputTokens: 1200, cachedTokens: 1024 });
    expect(parse(a, '{"id":"c1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"prompt_tokens_details":null}}').usage!.cachedTokens).toBeUndefined();
    expect(parse(a, '{"id":"c1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3}}').usage!.cachedTokens).toBeUndefined();
  });

  it('reads usage riding on a content chunk (continuous usage stats)', () => {
    const d = parse(a, chunk('{"content":"x"}', ',"usage":{"prompt_tokens":1,"completion_tokens":2}'));
    expect(d).toMatchObject({ content: 'x', usage: { inputTokens: 1, outputTokens: 2 } });
  });

  it('marks [DONE] and reads error objects in both shapes', () => {
    expect(parse(a, '[DONE]').done).toBe(true);
    expect(parse(a, '{"error":{"message":"boom","type":"server_error"}}').error).toBe('server_error: boom');
    expect(parse(a, '{"object":"error","message":"bad","type":"BadRequestError","code":400}').error).toBe('BadRequestError: bad');
  });

  it('throws on malformed JSON', () => {
    expect(() => parse(a, '{"choices":[')).toThrow(SyntaxError);
  });

  it('builds the body with include_usage, max/min tokens and ignore_eos, and the Bearer header', () => {
    const body = a.chatBody({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true, outputTokens: 7 });
    expect(body).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 7,
      min_tokens: 7,
      ignore_eos: true,
    });
    expect(openaiAdapter({ ...cfg, ignoreEos: false }).chatBody({ model: 'm', messages: [], stream: false, outputTokens: 7 })).toEqual({
      model: 'm',
      messages: [],
      stream: false,
      max_tokens: 7,
    });
    expect(a.headers.authorization).toBe('Bearer sk-secret-key');
    expect(a.chat.path).toBe('/v1/chat/completions');
  });

  it('reads completion events and the embeddings usage without parsing vectors', () => {
    const d = new StreamDelta();
    a.parseCompletionEvent!('{"choices":[{"text":" once","index":0,"finish_reason":null}]}', d);
    expect(d.content).toBe(' once');
    expect(a.embeddingsInputTokens!('{"data":[{"embedding":[0.1,0.2]}],"usage":{"prompt_tokens":42,"total_tokens":42}}')).toBe(42);
    expect(scanNumber('{"x":1}', '"prompt_tokens":')).toBeUndefined();
  });
});

describe('Azure OpenAI', () => {
  it('uses deployment URLs, api-version and the api-key header, never ignore_eos', () => {
    const a = azureAdapter({ ...cfg, deployment: 'gpt4o-prod', apiVersion: '2024-06-01' });
    expect(a.chat).toEqual({
      path: '/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-06-01',
      name: '/openai/deployments/gpt4o-prod/chat/completions',
    });
    expect(a.embeddings!.path).toBe('/openai/deployments/gpt4o-prod/embeddings?api-version=2024-06-01');
    expect(a.headers['api-key']).toBe('sk-secret-key');
    expect(a.headers.authorization).toBeUndefined();
    expect(a.chatBody({ model: 'm', messages: [], stream: true, outputTokens: 5 })).not.toHaveProperty('ignore_eos');
    expect(azureAdapter({ ...cfg }).chat.path).toBe('/openai/deployments/m/chat/completions?api-version=2024-10-21');
  });
});

describe('Anthropic Messages', () => {
  const a = anthropicAdapter(cfg);

  it('reads its event types', () => {
    expect(parse(a, '{"type":"message_start","message":{"usage":{"input_tokens":10,"cache_read_input_tokens":5,"output_tokens":1}}}', 'message_start').usage).toEqual({
      inputTokens: 15,
      cachedTokens: 5,
    });
    expect(parse(a, '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}', 'content_block_start').content).toBe('');
    expect(parse(a, '{"type":"ping"}', 'ping').content).toBe('');
    expect(parse(a, '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}', 'content_block_delta').content).toBe('Hi');
    expect(parse(a, '{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hm"}}', 'content_block_delta').reasoning).toBe('hm');
    expect(parse(a, '{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"abc"}}', 'content_block_delta')).toMatchObject({
      content: '',
      reasoning: '',
    });
    const md = parse(a, '{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":42}}', 'message_delta');
    expect(md).toMatchObject({ finishReason: 'end_turn', usage: { outputTokens: 42 } });
    expect(parse(a, '{"type":"message_stop"}', 'message_stop').done).toBe(true);
    expect(parse(a, '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', 'error').error).toBe('overloaded_error: Overloaded');
  });

  it('moves system messages to the top level, converts images, and always sends max_tokens', () => {
    const body = a.chatBody({
      model: 'claude',
      stream: true,
      outputTokens: undefined,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'what?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,QUJD' } }] },
      ],
    });
    expect(body).toEqual({
      model: 'claude',
      max_tokens: 1024,
      stream: true,
      system: 'Be brief.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'QUJD' } },
          ],
        },
      ],
    });
    expect(a.headers).toMatchObject({ 'x-api-key': 'sk-secret-key', 'anthropic-version': '2023-06-01' });
  });

  it('reads a whole answer', () => {
    const d = new StreamDelta();
    a.parseChatResponse(
      { content: [{ type: 'thinking', thinking: 'a' }, { type: 'text', text: 'b' }], usage: { input_tokens: 3, output_tokens: 4 }, stop_reason: 'end_turn' },
      d,
    );
    expect(d).toMatchObject({ content: 'b', reasoning: 'a', usage: { inputTokens: 3, outputTokens: 4 }, done: true });
  });
});

describe('Cohere v2 chat', () => {
  const a = cohereAdapter(cfg);

  it('reads its event types', () => {
    expect(parse(a, '{"type":"message-start","delta":{"message":{"role":"assistant"}}}', 'message-start').content).toBe('');
    expect(parse(a, '{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"Hey"}}}}', 'content-delta').content).toBe('Hey');
    expect(parse(a, '{"type":"content-delta","index":0,"delta":{"message":{"content":{"thinking":"hm"}}}}', 'content-delta').reasoning).toBe('hm');
    const end = parse(
      a,
      '{"type":"message-end","delta":{"finish_reason":"COMPLETE","usage":{"billed_units":{"input_tokens":9,"output_tokens":8},"tokens":{"input_tokens":10,"output_tokens":8}}}}',
      'message-end',
    );
    expect(end).toMatchObject({ done: true, finishReason: 'COMPLETE', usage: { inputTokens: 10, outputTokens: 8 } });
    expect(parse(a, '{"type":"error","message":"boom"}', 'error').error).toBe('error: boom');
    expect(parse(a, '[DONE]').done).toBe(true);
    // Without event: lines, the type is read from the data.
    expect(parse(a, '{"type":"content-delta","delta":{"message":{"content":{"text": "spaced"}}}}').content).toBe('spaced');
  });

  it('uses /v2 paths and the Bearer header', () => {
    expect(a.chat.path).toBe('/v2/chat');
    expect(a.embeddings!.path).toBe('/v2/embed');
    expect(a.rerank!.path).toBe('/v2/rerank');
    expect(a.embeddingsInputTokens!('{"meta":{"billed_units":{"input_tokens":17}}}')).toBe(17);
    expect(a.headers.authorization).toBe('Bearer sk-secret-key');
  });
});
