/**
 * The HTTP client on its own against a real server: the per-request timeout
 * (under a second the client keeps its own timer, as undici's are coarse).
 */
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/clients/http.js';
import { SocketPool } from '../../src/clients/wire/socket-pool.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { startHostileServer } from '../helpers/hostile-servers.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
let agent: Agent;
const sockets = new SocketPool();
beforeAll(async () => {
  target = await startTargetServer();
  agent = new Agent({ connections: 4 });
});
afterAll(async () => {
  await agent.close();
  sockets.close();
  await target.close();
});

/** Every test runs over both transports: the worker's socket pool (the default for http://) and undici. */
const TRANSPORTS = ['socket', 'undici'] as const;
let transport: (typeof TRANSPORTS)[number] = 'socket';

function client(recorder: MetricsRecorder, options: Record<string, unknown> = {}, baseUrl = target.url, hardStop = new AbortController().signal) {
  return createHttpClient({
    recorder,
    dispatcher: agent,
    sockets,
    baseUrl,
    requestTimeoutMs: 60_000,
    random: Math.random,
    hardStop,
    options: { ...options, httpTransport: transport },
  });
}

describe.each(TRANSPORTS)('the HTTP client over %s', (t) => {
beforeEach(() => {
  transport = t;
});

describe('methods, headers and bodies', () => {
  it('sends every method with its body, headers and query, and reads repeated headers', async () => {
    const recorder = new MetricsRecorder();
    const http = client(recorder);
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) {
      const res = await http.request(method, '/echo', { headers: { 'x-test': 'yes' }, query: { a: 1 }, body: method === 'GET' ? undefined : `body of ${method}` });
      expect(res.status).toBe(200);
      const echo = res.json<{ method: string; headers: Record<string, string>; query: string; body: string }>();
      expect(echo.method).toBe(method);
      expect(echo.headers['x-test']).toBe('yes');
      expect(echo.query).toBe('?a=1');
      expect(echo.body).toBe(method === 'GET' ? '' : `body of ${method}`);
      expect(res.headers['content-type']).toBe('application/json');
      expect(String(res.headers['x-twice'])).toMatch(/^one, ?two$|^one,two$/);
    }
    expect(recorder.takeDelta().endpoints.reduce((n, e) => n + e.requests, 0)).toBe(6);
  });

  it('sends JSON with its content type, and bytes as they are', async () => {
    const http = client(new MetricsRecorder());
    const j = (await http.post('/echo', { json: { a: [1, 2] } })).json<{ headers: Record<string, string>; body: string }>();
    expect(j.headers['content-type']).toBe('application/json');
    expect(JSON.parse(j.body)).toEqual({ a: [1, 2] });
    const b = (await http.put('/echo', { body: new Uint8Array([104, 105]) })).json<{ body: string; headers: Record<string, string> }>();
    expect(b.body).toBe('hi');
    expect(b.headers['content-length']).toBe('2');
  });

  it('reads a HEAD answer as headers only, and the connection carries on', async () => {
    const http = client(new MetricsRecorder());
    const head = await http.head('/bytes/1000');
    expect(head.status).toBe(200);
    expect(head.bytes).toBe(0);
    const next = await http.get('/bytes/5');
    expect(next.text()).toBe('aaaaa');
  });

  it('a 204 and a 304 end without a body', async () => {
    const http = client(new MetricsRecorder());
    expect((await http.get('/status/204')).status).toBe(204);
    expect((await http.get('/status/304', { okStatuses: [304] })).status).toBe(304);
    expect((await http.get('/items/7')).json()).toEqual({ id: 7 });
  });

  it('sends the current values of a header object the script changes between requests (a token after login)', async () => {
    const http = client(new MetricsRecorder());
    const headers: Record<string, string> = { authorization: 'Bearer one' };
    for (const path of ['/echo', '/echo?x=1']) {
      headers.authorization = 'Bearer one';
      delete headers['x-added'];
      expect((await http.get(path, { headers })).json<{ headers: Record<string, string> }>().headers.authorization).toBe('Bearer one');
      headers.authorization = 'Bearer two';
      expect((await http.get(path, { headers })).json<{ headers: Record<string, string> }>().headers.authorization).toBe('Bearer two');
      headers['x-added'] = 'yes';
      expect((await http.get(path, { headers })).json<{ headers: Record<string, string> }>().headers['x-added']).toBe('yes');
      delete headers['x-added'];
      expect((await http.post(path, { headers, body: 'b' })).json<{ headers: Record<string, string> }>().headers['x-added']).toBeUndefined();
    }
  });

  it('sends each path as it is, past the number of requests the socket transport keeps built', async () => {
    const http = client(new MetricsRecorder());
    const headers = { 'x-one': 'object' };
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 40; i++) expect((await http.get(`/items/${i}`, { headers })).json()).toEqual({ id: i });
    }
  });

  it('sends the same request again and again, to each host with its own host header', async () => {
    const other = await startTargetServer();
    try {
      const http = client(new MetricsRecorder());
      for (let i = 0; i < 3; i++) {
        for (const base of [target.url, other.url]) {
          const echo = (await http.get(`${base}/echo`)).json<{ headers: Record<string, string> }>();
          expect(echo.headers.host).toBe(new URL(base).host);
        }
      }
    } finally {
      await other.close();
    }
  });

  it('a bad header name fails the request, not the run', async () => {
    const recorder = new MetricsRecorder();
    const res = await client(recorder).get('/echo', { headers: { 'bad header': 'x' } });
    expect(res.status).toBe(0);
    expect(res.error).toMatch(/header/i);
    expect(recorder.takeDelta().endpoints).toMatchObject([{ requests: 1, failures: 1 }]);
  });
});

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
      const http = client(recorder, {}, server.url, stop.signal);
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
});
