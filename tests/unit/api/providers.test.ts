import { describe, expect, it } from 'vitest';
import { getProvider, providerNames, registerProvider, type ProviderDefinition } from '../../../src/api/providers.js';
import { UserError } from '../../../src/errors.js';
import { adapterFor, registeredProviderNames } from '../../../src/clients/llm/providers.js';
import { StreamDelta } from '../../../src/clients/llm/adapter.js';

const minimal: ProviderDefinition = {
  name: 'unit-test-provider',
  buildRequest: (input) => ({ path: '/gen?v=2', body: { q: input.messages[0]?.content, n: input.outputTokens } }),
  parseStream: (_e, data, out) => {
    const j = JSON.parse(data) as { text?: string; end?: boolean };
    out.content = j.text ?? '';
    if (j.end) out.done = true;
  },
  parseUsage: (j) => ((j as { u?: number }).u !== undefined ? { outputTokens: (j as { u: number }).u } : undefined),
  auth: (s) => ({ headers: { 'x-key': s.apiKey ?? '' } }),
};

describe('registerProvider', () => {
  it('lists every problem of a definition at once, naming the field', () => {
    let err: unknown;
    try {
      registerProvider({ name: 'bad name', buildRequest: 1, parseUsage: 'x' } as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const message = (err as Error).message;
    expect(message).toContain('name: expected letters');
    expect(message).toContain('buildRequest: expected a function');
    expect(message).toContain('parseStream: expected a function');
    expect(message).toContain('parseUsage: expected a function');
  });

  it('registers a provider beside the built-ins, which are registered through the same interface', () => {
    registerProvider(minimal);
    expect(getProvider('unit-test-provider')).toBe(minimal);
    expect(providerNames()).toContain('unit-test-provider');
    const names = registeredProviderNames();
    expect(names.slice(0, 8)).toEqual(['openai', 'azure', 'anthropic', 'cohere', 'bedrock', 'vertex', 'vertex-openai', 'oci']);
    expect(names).toContain('unit-test-provider');
    const openai = getProvider('openai')!;
    expect(openai.buildRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true, outputTokens: 5 }, { model: 'm', apiKey: 'k', baseUrl: undefined, options: {}, ignoreEos: false })).toMatchObject({
      path: '/v1/chat/completions',
      body: { model: 'm', max_tokens: 5, stream: true },
    });
  });

  it('a definition becomes a client adapter: its request, auth headers, stream parser and usage', () => {
    const a = adapterFor(minimal, { model: 'm', apiKey: 'secret-k', baseUrl: undefined, options: {}, ignoreEos: false });
    expect(a.headers['x-key']).toBe('secret-k');
    const built = a.chatRequest!({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true, outputTokens: 3 });
    expect(built.endpoint).toEqual({ path: '/gen?v=2', name: '/gen' });
    expect(built.body).toEqual({ q: 'hi', n: 3 });
    const d = new StreamDelta();
    a.parseChatEvent(undefined, '{"text":"abc"}', d);
    expect(d.content).toBe('abc');
    expect(d.usage).toBeUndefined();
    d.clear();
    a.parseChatEvent(undefined, '{"end":true,"u":3}', d);
    expect(d).toMatchObject({ done: true, usage: { outputTokens: 3 } });
    d.clear();
    a.parseChatResponse({ text: 'whole', u: 9 }, d);
    expect(d).toMatchObject({ content: 'whole', done: true, usage: { outputTokens: 9 } });
  });
});
