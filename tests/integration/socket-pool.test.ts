/**
 * The socket transport (clients/wire/socket-pool.ts) against real sockets on
 * 127.0.0.1: mostly raw `node:net` servers that write HTTP by hand, so that
 * framing, keep-alive and connection cuts are the test's to choose.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sending, TransportRequest } from '../../src/clients/transport.js';
import { SocketPool } from '../../src/clients/wire/socket-pool.js';

// ---------------------------------------------------------------- servers

interface Received {
  /** The head as sent, CRLFs included. */
  head: string;
  requestLine: string;
  /** Lowercased names, every value kept. */
  headers: Record<string, string[]>;
  body: Buffer;
}

interface ServerConn {
  socket: Socket;
  requests: Received[];
  /** Resolves when the server side of the connection has closed. */
  closed: Promise<void>;
}

interface RawServer {
  port: number;
  origin: string;
  conns: ServerConn[];
}

type Handler = (req: Received, conn: ServerConn, server: RawServer) => void;

const servers: Array<Server | HttpServer> = [];
const sockets = new Set<Socket>();
const pools: SocketPool[] = [];

afterEach(async () => {
  for (const pool of pools.splice(0)) pool.close();
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function newPool(): SocketPool {
  const pool = new SocketPool();
  pools.push(pool);
  return pool;
}

/** A TCP server that reads HTTP/1.1 requests (content-length bodies) and lets `handler` answer each with raw bytes. */
async function rawServer(handler: Handler): Promise<RawServer> {
  const state: RawServer = { port: 0, origin: '', conns: [] };
  const server = createServer((socket) => {
    sockets.add(socket);
    const conn: ServerConn = { socket, requests: [], closed: new Promise((r) => socket.on('close', () => r())) };
    state.conns.push(conn);
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (data) => {
      pending = Buffer.concat([pending, data]);
      for (;;) {
        const req = takeRequest(pending);
        if (!req) return;
        pending = pending.subarray(req.length);
        conn.requests.push(req.received);
        handler(req.received, conn, state);
        if (socket.destroyed) return;
      }
    });
  });
  servers.push(server);
  state.port = await listen(server);
  state.origin = `http://127.0.0.1:${state.port}`;
  return state;
}

function takeRequest(buf: Buffer): { received: Received; length: number } | undefined {
  const blank = buf.indexOf('\r\n\r\n');
  if (blank < 0) return undefined;
  const head = buf.toString('latin1', 0, blank + 4);
  const [requestLine, ...lines] = head.slice(0, -4).split('\r\n');
  const headers: Record<string, string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    (headers[name] ??= []).push(line.slice(colon + 1).trim());
  }
  const length = Number(headers['content-length']?.[0] ?? 0);
  if (buf.length < blank + 4 + length) return undefined;
  const body = Buffer.from(buf.subarray(blank + 4, blank + 4 + length));
  return { received: { head, requestLine: requestLine!, headers, body }, length: blank + 4 + length };
}

function listen(server: Server | HttpServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

/** A keep-alive HTTP/1.1 answer with a content-length body. */
function ok(body = 'ok', extraHeaders = ''): string {
  return `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n${extraHeaders}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const CHUNKED_HEAD = 'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n';

function chunk(text: string): string {
  return `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
}

// ---------------------------------------------------------------- client

type Event = 'start' | 'data' | 'end' | 'error';

interface Result {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body: string;
  error?: Error;
  events: Event[];
}

function request(path = '/v1/chat', overrides: Partial<TransportRequest> = {}): Omit<TransportRequest, 'origin'> {
  return { path, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', ...overrides };
}

/**
 * Sends through the pool; `done` settles on end or error (never after an abort).
 * `onEvent` sees each sink call as it happens.
 */
function send(
  pool: SocketPool,
  origin: string,
  req = request(),
  onEvent?: (event: Event, result: Result) => void,
): { sending: Sending; result: Result; done: Promise<Result> } {
  const result: Result = { body: '', events: [] };
  const parts: Buffer[] = [];
  let settle!: (r: Result) => void;
  const done = new Promise<Result>((r) => (settle = r));
  const record = (event: Event): void => {
    result.events.push(event);
    onEvent?.(event, result);
  };
  const sending = pool.send(
    { origin, ...req },
    {
      onResponseStart(status, headers) {
        result.status = status;
        result.headers = headers;
        record('start');
      },
      onResponseData(bytes, start, end) {
        parts.push(Buffer.from(bytes.subarray(start, end)));
        result.body = Buffer.concat(parts).toString('utf8');
        record('data');
      },
      onResponseEnd() {
        record('end');
        settle(result);
      },
      onResponseError(err) {
        result.error = err;
        record('error');
        settle(result);
      },
    },
  );
  return { sending, result, done };
}

function fetchVia(pool: SocketPool, origin: string, req = request()): Promise<Result> {
  return send(pool, origin, req).done;
}

/** Lets pending socket events run. */
function tick(): Promise<void> {
  return new Promise((r) => setTimeout(r, 20));
}

// ---------------------------------------------------------------- tests

describe('the request on the wire', () => {
  it('writes the request line, host, user headers, a UTF-8 content-length and the body', async () => {
    const server = await rawServer((_req, conn) => conn.socket.write(ok('done')));
    const body = JSON.stringify({ prompt: 'héllo 🎉' });
    const res = await fetchVia(
      newPool(),
      server.origin,
      request('/v1/chat/completions?x=1', { headers: { 'Content-Type': 'application/json', Authorization: 'Bearer k', 'x-trace': 'abc' }, body }),
    );
    expect(res).toMatchObject({ status: 200, body: 'done', events: ['start', 'data', 'end'] });
    expect(res.error).toBeUndefined();

    const [got] = server.conns[0]!.requests;
    expect(got!.requestLine).toBe('POST /v1/chat/completions?x=1 HTTP/1.1');
    expect(got!.headers['host']).toEqual([`127.0.0.1:${server.port}`]);
    expect(got!.headers['content-length']).toEqual([String(Buffer.byteLength(body))]);
    expect(Buffer.byteLength(body)).toBeGreaterThan(body.length);
    expect(got!.headers['content-type']).toEqual(['application/json']);
    expect(got!.headers['authorization']).toEqual(['Bearer k']);
    expect(got!.headers['x-trace']).toEqual(['abc']);
    expect(got!.body.toString('utf8')).toBe(body);
  });

  it('writes its own framing headers in place of the caller’s, and keeps a caller’s host', async () => {
    const server = await rawServer((_req, conn) => conn.socket.write(ok()));
    await fetchVia(
      newPool(),
      server.origin,
      request('/p', { headers: { Host: 'api.example', 'Content-Length': '999', Connection: 'close', 'Transfer-Encoding': 'gzip' }, body: 'abc' }),
    );
    const got = server.conns[0]!.requests[0]!;
    expect(got.headers['host']).toEqual(['api.example']);
    expect(got.headers['content-length']).toEqual(['3']);
    expect(got.headers['connection']).toBeUndefined();
    expect(got.headers['transfer-encoding']).toBeUndefined();
    expect(got.body.toString()).toBe('abc');
  });

  it('sends a GET without a body or content-length', async () => {
    const server = await rawServer((_req, conn) => conn.socket.write(ok('models')));
    const res = await fetchVia(newPool(), server.origin, request('/v1/models', { method: 'GET', body: 'ignored' }));
    expect(res.body).toBe('models');
    const got = server.conns[0]!.requests[0]!;
    expect(got.requestLine).toBe('GET /v1/models HTTP/1.1');
    expect(got.headers['content-length']).toBeUndefined();
    expect(got.head.endsWith('\r\n\r\n')).toBe(true);
  });

  it('throws from send() on a header value with a line break, and sends nothing', async () => {
    const server = await rawServer((_req, conn) => conn.socket.write(ok()));
    const pool = newPool();
    expect(() => send(pool, server.origin, request('/p', { headers: { 'x-a': 'v\r\nx-injected: 1' } }))).toThrow(/line break/);
    expect(() => send(pool, server.origin, request('/p', { headers: { 'bad name': 'v' } }))).toThrow(/header name/);
    expect(() => send(pool, server.origin, request('/p q'))).toThrow(/path/);
    expect(() => send(pool, 'https://127.0.0.1:1', request())).toThrow(/plain HTTP/);
    await fetchVia(pool, server.origin);
    expect(server.conns).toHaveLength(1);
    expect(server.conns[0]!.requests).toHaveLength(1);
    expect(server.conns[0]!.requests[0]!.headers['x-injected']).toBeUndefined();
  });
});

describe('response bodies', () => {
  it('streams a chunked body and ends', async () => {
    const server = await rawServer((_req, conn) => {
      conn.socket.write(CHUNKED_HEAD + chunk('data: 1\n\n'));
      setTimeout(() => conn.socket.write(chunk('data: 2\n\n') + chunk('data: [DONE]\n\n') + '0\r\n\r\n'), 10);
    });
    const res = await fetchVia(newPool(), server.origin);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ 'content-type': 'text/event-stream' });
    expect(res.body).toBe('data: 1\n\ndata: 2\n\ndata: [DONE]\n\n');
    expect(res.events[0]).toBe('start');
    expect(res.events.at(-1)).toBe('end');
  });

  it('ends a close-delimited body (HTTP/1.0, no length) when the server closes', async () => {
    const server = await rawServer((_req, conn) => {
      conn.socket.write('HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\npart one, ');
      setTimeout(() => conn.socket.end('part two'), 10);
    });
    const pool = newPool();
    const res = await fetchVia(pool, server.origin);
    expect(res).toMatchObject({ status: 200, body: 'part one, part two', events: ['start', 'data', 'data', 'end'] });
    expect(res.error).toBeUndefined();
    expect((await fetchVia(pool, server.origin)).body).toBe('part one, part two');
    expect(server.conns).toHaveLength(2);
  });

  it('keeps bodies larger than the read buffer intact, on concurrent connections', async () => {
    const big = (c: string): string => c.repeat(300_000);
    const server = await rawServer((req, conn) => conn.socket.write(ok(big(req.body.toString()))));
    const pool = newPool();
    const [a, b] = await Promise.all([fetchVia(pool, server.origin, request('/', { body: 'a' })), fetchVia(pool, server.origin, request('/', { body: 'b' }))]);
    expect(a.body === big('a')).toBe(true);
    expect(b.body === big('b')).toBe(true);
  });

  it('works against a node:http server, reusing its connection', async () => {
    let connections = 0;
    const server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${body}\n\n`);
        setTimeout(() => res.end('data: [DONE]\n\n'), 5);
      });
    });
    server.on('connection', (s: Socket) => {
      connections++;
      sockets.add(s);
    });
    servers.push(server);
    const origin = `http://127.0.0.1:${await listen(server)}`;
    const pool = newPool();
    for (const word of ['one', 'two', 'three']) {
      const res = await fetchVia(pool, origin, request('/', { body: word }));
      expect(res).toMatchObject({ status: 200, body: `data: ${word}\n\ndata: [DONE]\n\n` });
    }
    expect(connections).toBe(1);
  });
});

describe('keep-alive', () => {
  it('sends sequential requests over one connection', async () => {
    const server = await rawServer((req, conn) => conn.socket.write(ok(`#${conn.requests.length}`)));
    const pool = newPool();
    expect((await fetchVia(pool, server.origin)).body).toBe('#1');
    expect((await fetchVia(pool, server.origin)).body).toBe('#2');
    expect(server.conns).toHaveLength(1);
  });

  it('opens a connection per concurrent request, then reuses them', async () => {
    const server = await rawServer((_req, conn) => setTimeout(() => conn.socket.write(ok()), 10));
    const pool = newPool();
    const both = await Promise.all([fetchVia(pool, server.origin), fetchVia(pool, server.origin)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(server.conns).toHaveLength(2);
    await fetchVia(pool, server.origin);
    expect(server.conns).toHaveLength(2);
  });

  it('does not reuse a connection answered with connection: close', async () => {
    const server = await rawServer((_req, conn) => conn.socket.write(ok('bye', 'connection: close\r\n')));
    const pool = newPool();
    expect((await fetchVia(pool, server.origin)).body).toBe('bye');
    await server.conns[0]!.closed;
    expect((await fetchVia(pool, server.origin)).body).toBe('bye');
    expect(server.conns).toHaveLength(2);
  });

  it('drops a connection whose keep-alive time has run out', async () => {
    // timeout=1 leaves no idle time after the pool's one-second margin.
    const server = await rawServer((_req, conn) => conn.socket.write(ok('x', 'keep-alive: timeout=1\r\n')));
    const pool = newPool();
    await fetchVia(pool, server.origin);
    await fetchVia(pool, server.origin);
    expect(server.conns).toHaveLength(2);
    await server.conns[0]!.closed;
  });

  it('forgets an idle connection the server closed', async () => {
    const server = await rawServer((_req, conn) => conn.socket.end(ok()));
    const pool = newPool();
    await fetchVia(pool, server.origin);
    await server.conns[0]!.closed;
    const res = await fetchVia(pool, server.origin);
    expect(res.status).toBe(200);
    expect(server.conns).toHaveLength(2);
    expect(server.conns[1]!.requests).toHaveLength(1);
  });

  it('does not reuse a connection that sent bytes after the end of a response', async () => {
    const server = await rawServer((_req, conn) => conn.socket.write(ok('first') + 'GARBAGE'));
    const pool = newPool();
    const first = await fetchVia(pool, server.origin);
    expect(first).toMatchObject({ body: 'first', events: ['start', 'data', 'end'] });
    const second = await fetchVia(pool, server.origin);
    expect(second.body).toBe('first');
    expect(server.conns).toHaveLength(2);
    expect(server.conns.map((c) => c.requests.length)).toEqual([1, 1]);
  });

  it('closes a connection that sends bytes while idle', async () => {
    const server = await rawServer((_req, conn) => {
      conn.socket.write(ok());
      setTimeout(() => conn.socket.write('HTTP/1.1 200 OK\r\n'), 10);
    });
    const pool = newPool();
    await fetchVia(pool, server.origin);
    await server.conns[0]!.closed;
    expect((await fetchVia(pool, server.origin)).status).toBe(200);
    expect(server.conns).toHaveLength(2);
  });
});

describe('retry of a reused connection', () => {
  it('sends the request again on a new connection when the reused one closes without answering', async () => {
    const server = await rawServer((_req, conn, s) => {
      if (conn === s.conns[0] && conn.requests.length === 2) conn.socket.destroy();
      else conn.socket.write(ok(`conn ${s.conns.indexOf(conn)}`));
    });
    const pool = newPool();
    expect((await fetchVia(pool, server.origin)).body).toBe('conn 0');
    const res = await fetchVia(pool, server.origin);
    expect(res).toMatchObject({ status: 200, body: 'conn 1', events: ['start', 'data', 'end'] });
    expect(server.conns).toHaveLength(2);
    expect(server.conns[1]!.requests).toHaveLength(1);
  });

  it('retries only once', async () => {
    const server = await rawServer((_req, conn, s) => {
      if (conn === s.conns[0] && conn.requests.length === 1) conn.socket.write(ok());
      else conn.socket.destroy();
    });
    const pool = newPool();
    await fetchVia(pool, server.origin);
    const res = await fetchVia(pool, server.origin);
    expect(res.error).toBeInstanceOf(Error);
    expect(res.events).toEqual(['error']);
    expect(server.conns).toHaveLength(2);
  });

  it('does not retry on a fresh connection the server closes on receipt of the request', async () => {
    const server = await rawServer((_req, conn) => conn.socket.destroy());
    const res = await fetchVia(newPool(), server.origin);
    expect(res.error).toBeInstanceOf(Error);
    expect(res.events).toEqual(['error']);
    await tick();
    expect(server.conns).toHaveLength(1);
  });

  it('does not retry once some of the answer has arrived', async () => {
    const server = await rawServer((_req, conn) => {
      if (conn.requests.length === 1) conn.socket.write(ok());
      else {
        conn.socket.write('HTTP/1.1 200 OK\r\ncontent-le');
        setTimeout(() => conn.socket.destroy(), 10);
      }
    });
    const pool = newPool();
    await fetchVia(pool, server.origin);
    const res = await fetchVia(pool, server.origin);
    expect(res.events).toEqual(['error']);
    await tick();
    expect(server.conns).toHaveLength(1);
  });
});

describe('failures', () => {
  it('reports a refused connection with ECONNREFUSED', async () => {
    const probe = createServer();
    const port = await listen(probe);
    await new Promise((r) => probe.close(r));
    const res = await fetchVia(newPool(), `http://127.0.0.1:${port}`);
    expect(res.events).toEqual(['error']);
    expect(res.error!.message).toContain('ECONNREFUSED');
  });

  it('reports a connection cut in the middle of a chunked body after its start', async () => {
    const server = await rawServer((_req, conn) => conn.socket.write(CHUNKED_HEAD + chunk('data: partial\n\n')));
    const res = await send(newPool(), server.origin, request(), (event) => {
      if (event === 'data') server.conns[0]!.socket.destroy();
    }).done;
    expect(res.events).toEqual(['start', 'data', 'error']);
    expect(res.body).toBe('data: partial\n\n');
    expect(res.error).toBeInstanceOf(Error);
  });

  it('reports a connection cut before the end of a content-length body', async () => {
    const server = await rawServer((_req, conn) => conn.socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nshort'));
    const res = await fetchVia(newPool(), server.origin);
    expect(res.events).toEqual(['start', 'data', 'error']);
  });

  it('reports a response that is not HTTP as an error and closes the connection', async () => {
    const server = await rawServer((_req, conn) => conn.socket.write('SSH-2.0-OpenSSH\r\n\r\n'));
    const res = await fetchVia(newPool(), server.origin);
    expect(res.events).toEqual(['error']);
    expect(res.error).toMatchObject({ code: 'VOLLEY_HTTP_PARSE' });
    await server.conns[0]!.closed;
  });
});

describe('abort', () => {
  it('stops every sink call and closes the connection', async () => {
    const server = await rawServer((_req, conn) => {
      // Two chunks in one write: the second must not reach the sink either.
      conn.socket.write(CHUNKED_HEAD + chunk('first') + chunk('second'));
      const more = setInterval(() => conn.socket.write(chunk('more')), 5);
      conn.socket.on('close', () => clearInterval(more));
    });
    const call = send(newPool(), server.origin, request(), (event) => {
      if (event === 'data') call.sending.abort(new Error('enough'));
    });
    await waitFor(() => server.conns[0]);
    await server.conns[0]!.closed;
    await tick();
    expect(call.result.events).toEqual(['start', 'data']);
    expect(call.result.body).toBe('first');
  });

  it('before any answer: nothing reaches the sink and the connection closes', async () => {
    const server = await rawServer(() => undefined);
    const call = send(newPool(), server.origin);
    await waitFor(() => server.conns[0]?.requests.length);
    call.sending.abort(new Error('stop'));
    await server.conns[0]!.closed;
    await tick();
    expect(call.result.events).toEqual([]);
  });

  it('after the end does nothing', async () => {
    const server = await rawServer((_req, conn) => conn.socket.write(ok()));
    const pool = newPool();
    const call = send(pool, server.origin);
    await call.done;
    call.sending.abort(new Error('late'));
    await fetchVia(pool, server.origin);
    expect(server.conns).toHaveLength(1);
    expect(call.result.events).toEqual(['start', 'data', 'end']);
  });
});

describe('close()', () => {
  it('destroys idle connections and refuses new requests', async () => {
    const server = await rawServer((_req, conn) => conn.socket.write(ok()));
    const pool = newPool();
    await fetchVia(pool, server.origin);
    pool.close();
    await server.conns[0]!.closed;
    expect(() => send(pool, server.origin)).toThrow(/closed/);
  });

  it('fails a request in flight and closes its connection', async () => {
    const server = await rawServer(() => undefined);
    const pool = newPool();
    const call = send(pool, server.origin);
    await waitFor(() => server.conns[0]?.requests.length);
    pool.close();
    await server.conns[0]!.closed;
    const res = await call.done;
    expect(res.events).toEqual(['error']);
  });

  it('does not send a request in flight on a reused connection again after close', async () => {
    const server = await rawServer((_req, conn) => {
      if (conn.requests.length === 1) conn.socket.write(ok());
    });
    const pool = newPool();
    await fetchVia(pool, server.origin);
    const call = send(pool, server.origin);
    await waitFor(() => server.conns[0]!.requests.length === 2 || undefined);
    pool.close();
    const res = await call.done;
    expect(res.events).toEqual(['error']);
    expect(res.error!.message).toMatch(/closed/);
    await tick();
    expect(server.conns).toHaveLength(1);
  });
});

/** Polls until `probe` gives a truthy value (the test's timeout bounds it). */
async function waitFor<T>(probe: () => T | undefined | 0 | false): Promise<T> {
  for (;;) {
    const v = probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 2));
  }
}
