/**
 * The HTTP client on its own against a real server: the per-request timeout
 * (under a second the client keeps its own timer, as undici's are coarse).
 */
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/clients/http.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { startHostileServer } from '../helpers/hostile-servers.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
let agent: Agent;
beforeAll(async () => {
  target = await startTargetServer();
  agent = new Agent({ connections: 4 });
});
afterAll(async () => {
  await agent.close();
  await target.close();
});

function client(recorder: MetricsRecorder, options: Record<string, unknown> = {}, baseUrl = target.url) {
  return createHttpClient({
    recorder,
    dispatcher: agent,
    baseUrl,
    requestTimeoutMs: 60_000,
    random: Math.random,
    hardStop: new AbortController().signal,
    options,
  });
}

describe('request timeout', () => {
  it('fails a request that outlives a sub-second timeout with a timeout message', async () => {
    const recorder = new MetricsRecorder();
    const res = await client(recorder).get('/slow/2000', { timeout: 100 });
    expect(res.status).toBe(0);
    expect(res.error).toMatch(/^timeout/);
    const d = recorder.takeDelta();
    expect(d.endpoints).toMatchObject([{ method: 'GET', name: '/slow/2000', requests: 1, failures: 1 }]);
    expect(d.errors).toEqual([{ method: 'GET', name: '/slow/2000', message: 'timeout: no complete response within 100 ms', count: 1 }]);
  });

  it('leaves a request that answers in time alone', async () => {
    const recorder = new MetricsRecorder();
    const http = client(recorder);
    const res = await http.get('/slow/10', { timeout: 500 });
    expect(res.status).toBe(200);
    expect(res.text()).toBe('slow');
    expect(recorder.takeDelta().errors).toEqual([]);
  });
});

describe('the timeout is a deadline for the whole exchange', () => {
  it('fails a body that trickles without end, with a timeout over a second (where undici timers used to be used)', { timeout: 20_000 }, async () => {
    const server = await startHostileServer('trickle');
    try {
      const recorder = new MetricsRecorder();
      const res = await client(recorder, {}, server.url).get('/', { timeout: 1200 });
      expect(res.status).toBe(0);
      expect(res.error).toBe('timeout: no complete response within 1200 ms');
      // It got its headers and some bytes: an idle timer would never have fired.
      expect(res.bytes).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});

describe('response bodies', () => {
  const MIB = 1024 * 1024;

  it('keeps a body up to --max-body', async () => {
    const res = await client(new MetricsRecorder(), { maxBody: MIB }).get(`/bytes/${MIB}`);
    expect(res.status).toBe(200);
    expect(res.bytes).toBe(MIB);
    expect(res.text()).toHaveLength(MIB);
  });

  it('fails a body over --max-body as body_too_large, keeping none of it', async () => {
    const recorder = new MetricsRecorder();
    const res = await client(recorder, { maxBody: MIB }).get(`/bytes/${3 * MIB}`);
    expect(res.error).toBe('body_too_large: the response body is over 1 MiB (--max-body)');
    expect(res.text()).toBe('');
    expect(recorder.takeDelta().errors).toEqual([{ method: 'GET', name: `/bytes/${3 * MIB}`, message: res.error, count: 1 }]);
  });

  it('with discardBody counts every byte, keeps none, and has no cap', async () => {
    const recorder = new MetricsRecorder();
    const res = await client(recorder, { maxBody: MIB }).get(`/bytes/${3 * MIB}`, { discardBody: true });
    expect(res.status).toBe(200);
    expect(res.error).toBeUndefined();
    expect(res.bytes).toBe(3 * MIB);
    expect(res.text()).toBe('');
    expect(recorder.takeDelta().endpoints).toMatchObject([{ requests: 1, failures: 0, bytes: 3 * MIB }]);
  });

  it('discardResponseBodies discards every body, and discardBody: false keeps one', async () => {
    const http = client(new MetricsRecorder(), { discardResponseBodies: true });
    expect((await http.get('/bytes/10')).text()).toBe('');
    expect((await http.get('/bytes/10', { discardBody: false })).text()).toBe('a'.repeat(10));
  });
});

describe('answers that are not HTTP', () => {
  it.each(['invalid-http', 'bad-chunk'] as const)('%s fails as protocol, not as a network error', async (kind) => {
    const server = await startHostileServer(kind);
    try {
      const res = await client(new MetricsRecorder(), {}, server.url).get('/');
      expect(res.status).toBe(0);
      expect(res.error).toMatch(/^protocol: the server's answer is not valid HTTP \(/);
    } finally {
      await server.close();
    }
  });
});

describe('Retry-After', () => {
  it('holds the next request until it elapsed, and the message says so', async () => {
    const server = await startHostileServer('retry-after');
    try {
      const recorder = new MetricsRecorder();
      const stop = new AbortController();
      const http = createHttpClient({ recorder, dispatcher: agent, baseUrl: server.url, requestTimeoutMs: 60_000, random: Math.random, hardStop: stop.signal, options: {} });
      const first = await http.get('/');
      expect(first.status).toBe(429);
      expect(recorder.takeDelta().errors).toEqual([{ method: 'GET', name: '/', message: 'HTTP 429 (Retry-After 5s)', count: 1 }]);
      // The next request waits (5 s): the server sees nothing more; a stop ends the wait and sends nothing.
      const second = http.get('/');
      await new Promise((r) => setTimeout(r, 300));
      expect(server.requests()).toBe(1);
      stop.abort();
      await expect(second).rejects.toThrow(/Retry-After/);
      expect(server.requests()).toBe(1);
    } finally {
      await server.close();
    }
  });
});
