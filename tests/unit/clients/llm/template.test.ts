import { describe, expect, it } from 'vitest';
import { StreamDelta } from '../../../../src/clients/llm/adapter.js';
import { parseOpenAiChatEvent } from '../../../../src/clients/llm/openai.js';
import { ContentTemplate } from '../../../../src/clients/llm/template.js';
import { seededRandom } from '../../../../src/util/random.js';

/** The parser's view of a payload: its content when that is all it found. */
function contentOf(data: string): string | undefined {
  const d = new StreamDelta();
  try {
    parseOpenAiChatEvent(data, d);
  } catch {
    return undefined;
  }
  return d.reasoning === '' && d.usage === undefined && d.error === undefined && d.finishReason === undefined && !d.done ? d.content : undefined;
}

const head = '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"content":';
const tail = '},"logprobs":null,"finish_reason":null}],"usage":null}';
const event = (text: string) => head + JSON.stringify(text) + tail;

/** Matches a payload placed inside a bigger buffer, as undici hands it over. */
function match(t: ContentTemplate, payload: string): string | undefined {
  const bytes = Buffer.from(`data: ${payload}\n\n`);
  return t.match(bytes, 6, bytes.length - 2);
}

function learned(from = event(' summer')): ContentTemplate {
  const t = new ContentTemplate();
  t.learn(from, contentOf(from)!, contentOf);
  return t;
}

describe('ContentTemplate', () => {
  it('reads the token events of a stream once it has seen one', () => {
    const t = learned();
    expect(match(t, event(' day'))).toBe(' day');
    expect(match(t, event('héllo 🎉'))).toBe('héllo 🎉');
    expect(match(t, event(''))).toBe('');
  });

  it('leaves everything else to the parser', () => {
    const t = learned();
    expect(match(t, event('say "hi"'))).toBeUndefined(); // escapes
    expect(match(t, event('a\\b'))).toBeUndefined();
    expect(match(t, event('line\n'))).toBeUndefined();
    expect(match(t, event(' x').replace('chatcmpl-1', 'chatcmpl-2'))).toBeUndefined();
    expect(match(t, event(' x').replace('"finish_reason":null', '"finish_reason":"stop"'))).toBeUndefined();
    expect(match(t, '{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}')).toBeUndefined();
    expect(match(t, '[DONE]')).toBeUndefined();
    expect(match(t, '')).toBeUndefined();
  });

  it('learns nothing from a text it cannot place for sure', () => {
    for (const [data, text] of [
      [event('m'), 'm'], // "m" is also the model: two places
      [event('a/b'), 'a/b'], // may be written a\/b by another encoder
      [event('<b>'), '<b>'], // Go escapes <, > and &
    ] as const) {
      const t = new ContentTemplate();
      t.learn(data, text, contentOf);
      expect(match(t, event('x'))).toBeUndefined();
    }
  });

  it('learns nothing when the text sits in a key, not in the content', () => {
    const data = '{"choices":[{"delta":{"content":"hi"}}],"word":1}'.replace('"word"', '"hello"');
    const t = new ContentTemplate();
    // The parser says the content is "hi"; pretend it said "hello" (found as a key): the probes catch it.
    t.learn(data, 'hello', contentOf);
    expect(match(t, data.replace('"hello"', '"other"'))).toBeUndefined();
  });

  it('gives up after a few tries on a stream whose events all differ', () => {
    const t = new ContentTemplate();
    for (let i = 0; i < 10; i++) if (t.wantsToLearn) t.learn(event(`w${i}`).replace('1700000000', String(i)), `w${i}`, contentOf);
    expect(t.wantsToLearn).toBe(false);
  });

  it('never reads a payload differently from the parser', () => {
    const random = seededRandom(3);
    const pieces = ['a', ' ', 'é', '🎉', '"', '\\', '\n', '\u0001', '/', '<', 'null', '}', '":"', ','];
    const t = learned();
    let matched = 0;
    for (let i = 0; i < 3000; i++) {
      let text = '';
      for (let k = Math.floor(random() * 4); k > 0; k--) text += pieces[Math.floor(random() * pieces.length)];
      let payload = event(text);
      // Sometimes raw bytes a JSON encoder would not write, or another shape around them.
      if (random() < 0.2) payload = head + `"${text}"` + tail;
      if (random() < 0.1) payload = payload.replace('"usage":null', '"usage":{"completion_tokens":1}');
      const fast = match(t, payload);
      if (fast === undefined) continue;
      matched++;
      expect(fast).toBe(contentOf(payload));
    }
    expect(matched).toBeGreaterThan(500);
  });
});
