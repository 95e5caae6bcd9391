import { describe, expect, it } from 'vitest';
import { MetricsAggregate } from '../../../src/metrics/aggregate.js';
import { MIN_REQUESTS_FOR_GUARD, RunGuard } from '../../../src/engine/run-guard.js';
import type { UserClassInfo } from '../../../src/pool/protocol.js';

const chat: UserClassInfo = { name: 'Chat', weight: 1, taskCount: 1, apiKeyEnv: 'OPENAI_API_KEY' };
const web: UserClassInfo = { name: 'Web', weight: 1, taskCount: 1, host: 'http://127.0.0.1:9' };

/** An interval with `ok` good and `bad` failed requests; the failures carry `counter`. */
function interval(ok: number, bad: number, counters: Record<string, number>, message = 'HTTP 401'): MetricsAggregate {
  const a = new MetricsAggregate();
  const e = a.endpoint('POST', '/v1/chat/completions');
  e.requests = ok + bad;
  e.failures = bad;
  if (bad > 0) a.errors.set('x', { method: 'POST', name: '/v1/chat/completions', message, count: bad });
  Object.assign(a.counters, counters);
  return a;
}

describe('RunGuard', () => {
  it(`waits for ${MIN_REQUESTS_FOR_GUARD} requests, then stops a run whose every LLM request was refused, naming the key's variable`, () => {
    const g = new RunGuard([chat], undefined, {});
    expect(g.observe(interval(0, MIN_REQUESTS_FOR_GUARD - 1, { 'llm.requests': MIN_REQUESTS_FOR_GUARD - 1, 'llm.errors.auth': MIN_REQUESTS_FOR_GUARD - 1 }))).toBeUndefined();
    const err = g.observe(interval(0, 1, { 'llm.requests': 1, 'llm.errors.auth': 1 }));
    expect(err?.message).toBe(`stopped early: the first ${MIN_REQUESTS_FOR_GUARD} LLM requests were all refused with HTTP 401/403 (auth)`);
    expect(err?.hint).toContain('OPENAI_API_KEY is not set');
  });

  it('says the key is set but refused when it is, without its value', () => {
    const g = new RunGuard([chat], undefined, { OPENAI_API_KEY: 'sk-secret-value' });
    const err = g.observe(interval(0, 9, { 'llm.requests': 9, 'llm.errors.auth': 9 }));
    expect(err?.hint).toContain('the server refused the key in OPENAI_API_KEY');
    expect(`${err?.message} ${err?.hint}`).not.toContain('sk-secret-value');
  });

  it('azure with Entra ID variables set: names the Entra credentials, not the unset key, without their values', () => {
    const azure: UserClassInfo = { name: 'Chat', weight: 1, taskCount: 1, provider: 'azure', apiKeyEnv: 'AZURE_OPENAI_API_KEY' };
    const env = { AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 'entra-secret-value' };
    const err = new RunGuard([azure], undefined, env).observe(interval(0, 9, { 'llm.requests': 9, 'llm.errors.auth': 9 }));
    expect(err?.hint).toContain('check the Entra ID credentials');
    expect(err?.hint).not.toContain('is not set');
    expect(`${err?.message} ${err?.hint}`).not.toContain('entra-secret-value');
    expect(new RunGuard([azure], undefined, {}).observe(interval(0, 9, { 'llm.requests': 9, 'llm.errors.auth': 9 }))?.hint).toContain('AZURE_OPENAI_API_KEY is not set');
  });

  it('one request that went otherwise disarms it for the rest of the run', () => {
    const g = new RunGuard([chat], undefined, {});
    expect(g.observe(interval(1, 4, { 'llm.requests': 5, 'llm.errors.auth': 4 }))).toBeUndefined();
    expect(g.observe(interval(0, 100, { 'llm.requests': 100, 'llm.errors.auth': 100 }))).toBeUndefined();
  });

  it('stops a run whose every request could not connect, naming the host and the error', () => {
    const g = new RunGuard([web], undefined, {});
    const err = g.observe(interval(0, 6, { 'http.connect_errors': 6 }, 'connect ECONNREFUSED 127.0.0.1:9'));
    expect(err?.message).toBe('stopped early: the first 6 requests all failed to connect to http://127.0.0.1:9 (connect ECONNREFUSED 127.0.0.1:9)');
    expect(new RunGuard([web], 'http://10.0.0.1', {}).observe(interval(0, 6, { 'http.connect_errors': 6 }))?.message).toContain('to http://10.0.0.1');
  });

  it('leaves runs with ordinary failures alone', () => {
    const g = new RunGuard([chat, web], undefined, {});
    expect(g.observe(interval(0, 50, { 'llm.requests': 50, 'llm.errors.http_5xx': 50 }, 'HTTP 503'))).toBeUndefined();
  });
});
