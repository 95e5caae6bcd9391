import { connect, type Socket } from 'node:net';
import type { ResponseSink, Sending, Transport, TransportRequest } from '../transport.js';
import { ResponseParser, type ParserSink } from './response-parser.js';

/**
 * The socket transport: HTTP/1.1 over plain TCP, for LLM streams and
 * HttpUser requests to http:// hosts.
 *
 * Why it exists: a streamed token is one small chunk, and what a client pays
 * per chunk decides its tokens per CPU-second. Through undici every chunk
 * goes socket → stream 'data' event → llhttp (WASM, with a copy into its
 * memory) → handler; measured in-process at 1,000 streams that alone is
 * 7.6–8.2 µs per token. Here the socket reads straight into one buffer the
 * whole worker reuses (`onread`: no stream machinery, no Buffer per read), the
 * framing is read in place (response-parser.ts) and the SSE reader gets the
 * body as a range of that buffer: 4.8–5.4 µs per token for the same reads,
 * before any parsing. It leaves TLS, proxies and HTTP/2 to undici.
 *
 * Keep-alive connections per origin, one request at a time on each (no
 * pipelining), as many connections as requests in flight. An idle connection
 * is dropped when the server closes it or after its keep-alive time (the
 * server's `Keep-Alive: timeout` less a second, else 4 s, as undici does). A
 * request that finds its reused connection closed before any byte of an
 * answer is sent again once on a new one: the server closed it while idle.
 */
export class SocketPool implements Transport {
  /** Every socket of this pool reads into this buffer; a read is handled before the next one starts. */
  readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  private readonly idle = new Map<string, Connection[]>();
  private readonly all = new Set<Connection>();
  private readonly origins = new Map<string, Origin>();
  private closed = false;

  send(req: TransportRequest, sink: ResponseSink): Sending {
    if (this.closed) throw new Error('the socket pool is closed');
    const origin = this.origin(req.origin);
    const call = new Call(origin, sink, requestBytes(req, origin), req.method);
    this.start(call, false);
    return call;
  }

  /** Destroys every connection (the worker is done). */
  close(): void {
    this.closed = true;
    for (const c of this.all) c.socket.destroy();
    this.all.clear();
    this.idle.clear();
  }

  /** @internal Puts the call on an idle connection of its origin, else a new one. */
  start(call: Call, fresh: boolean): void {
    if (this.closed) {
      // A retry of a call whose connection close() destroyed: no new connection after close.
      call.finished = true;
      call.sink.onResponseError(new Error('the socket pool is closed'));
      return;
    }
    const conn = (!fresh && this.takeIdle(call.origin.key)) || new Connection(this, call.origin);
    conn.begin(call);
  }

  /** @internal A connection that finished an answer and may carry another. */
  release(conn: Connection, keepAliveMs: number | undefined): void {
    if (this.closed) {
      conn.socket.destroy();
      return;
    }
    conn.idleUntil = performance.now() + Math.max(0, (keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS + KEEP_ALIVE_MARGIN_MS) - KEEP_ALIVE_MARGIN_MS);
    let list = this.idle.get(conn.origin.key);
    if (!list) this.idle.set(conn.origin.key, (list = []));
    list.push(conn);
  }

  /** @internal */
  track(conn: Connection): void {
    this.all.add(conn);
  }

  /** @internal The connection closed: it can no longer be idle. */
  forget(conn: Connection): void {
    this.all.delete(conn);
    const list = this.idle.get(conn.origin.key);
    if (list) {
      const at = list.indexOf(conn);
      if (at >= 0) list.splice(at, 1);
    }
  }

  private takeIdle(key: string): Connection | undefined {
    const list = this.idle.get(key);
    if (!list) return undefined;
    const now = performance.now();
    // Most recently used first: it is the least likely to have been closed by the server.
    for (let conn = list.pop(); conn; conn = list.pop()) {
      if (!conn.socket.destroyed && conn.idleUntil > now) return conn;
      conn.socket.destroy();
    }
    return undefined;
  }

  private origin(text: string): Origin {
    let o = this.origins.get(text);
    if (!o) {
      const url = new URL(text);
      if (url.protocol !== 'http:') throw new Error(`the socket transport speaks plain HTTP, not ${url.protocol}`);
      const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      o = { key: text, host, port: Number(url.port || 80), hostHeader: url.host, heads: new WeakMap() };
      this.origins.set(text, o);
    }
    return o;
  }
}

const READ_BUFFER_BYTES = 64 * 1024;
const DEFAULT_KEEP_ALIVE_MS = 4_000;
const KEEP_ALIVE_MARGIN_MS = 1_000;

interface Origin {
  key: string;
  host: string;
  port: number;
  hostHeader: string;
  /** Bodyless GET and HEAD requests' bytes, built once per header block and path (requestBytes). */
  heads: WeakMap<HeaderBlock, Map<string, Buffer>>;
}

/** One request: its bytes, its sink, and whether it may still be sent again. */
class Call implements Sending {
  conn: Connection | undefined;
  /** Some byte of an answer arrived for it. */
  answered = false;
  retried = false;
  finished = false;
  /** A HEAD request: the answer has no body. */
  readonly head: boolean;

  constructor(
    readonly origin: Origin,
    readonly sink: ResponseSink,
    readonly bytes: string | Buffer,
    method: string,
  ) {
    this.head = method === 'HEAD';
  }

  abort(_reason: Error): void {
    if (this.finished) return;
    this.finished = true;
    const conn = this.conn;
    this.conn = undefined;
    if (conn) conn.drop();
  }
}

/** One keep-alive socket and the parser of the answer on it. */
class Connection implements ParserSink {
  readonly socket: Socket;
  private readonly parser = new ResponseParser(this);
  private call: Call | undefined;
  /** Answers completed on this socket. */
  private served = 0;
  private keepAlive = false;
  private keepAliveMs: number | undefined;
  private error: Error | undefined;
  idleUntil = 0;

  constructor(
    private readonly pool: SocketPool,
    readonly origin: Origin,
  ) {
    this.socket = connect({
      host: origin.host,
      port: origin.port,
      noDelay: true,
      onread: { buffer: pool.readBuffer, callback: (n: number, buf: Uint8Array) => this.onRead(n, buf as Buffer) },
    });
    pool.track(this);
    this.socket.on('error', (err) => (this.error ??= err));
    this.socket.on('end', this.onEnd);
    this.socket.on('close', this.onClose);
  }

  begin(call: Call): void {
    this.call = call;
    call.conn = this;
    this.keepAlive = false;
    this.keepAliveMs = undefined;
    this.parser.reset();
    this.parser.noBody = call.head;
    this.socket.write(call.bytes);
  }

  /** Tears the connection down mid-request (an abort): nothing more reaches the call. */
  drop(): void {
    this.call = undefined;
    this.socket.destroy();
  }

  onHead(status: number, headers: Record<string, string>, keepAlive: boolean, keepAliveMs: number | undefined): void {
    this.keepAlive = keepAlive;
    this.keepAliveMs = keepAliveMs;
    this.call?.sink.onResponseStart(status, headers);
  }

  onBody(bytes: Buffer, start: number, end: number): void {
    this.call?.sink.onResponseData(bytes, start, end);
  }

  onDone(): void {
    // Handled after the read that finished the answer (onRead), so that the sink sees the end last.
  }

  private onRead(n: number, buf: Buffer): boolean {
    const call = this.call;
    if (call === undefined) {
      // Bytes on an idle connection belong to no request: the connection cannot be trusted any more.
      this.socket.destroy();
      return false;
    }
    call.answered = true;
    let end: number;
    try {
      end = this.parser.execute(buf, 0, n);
    } catch (err) {
      this.fail(err as Error);
      return false;
    }
    if (this.call === call && this.parser.done) this.complete(call, end < n);
    return true;
  }

  private complete(call: Call, extraBytes: boolean): void {
    this.call = undefined;
    call.conn = undefined;
    call.finished = true;
    this.served++;
    if (this.keepAlive && !extraBytes && !this.socket.destroyed) this.pool.release(this, this.keepAliveMs);
    else this.socket.destroy();
    call.sink.onResponseEnd();
  }

  private fail(err: Error): void {
    const call = this.call;
    this.drop();
    if (call === undefined || call.finished) return;
    call.finished = true;
    call.conn = undefined;
    call.sink.onResponseError(err);
  }

  private readonly onEnd = (): void => {
    const call = this.call;
    // A body that runs to the end of the connection has ended cleanly.
    if (call !== undefined && this.parser.endsAtClose) {
      this.keepAlive = false;
      this.complete(call, false);
    }
    this.socket.destroy();
  };

  private readonly onClose = (): void => {
    this.pool.forget(this);
    const call = this.call;
    if (call === undefined || call.finished) return;
    this.call = undefined;
    call.conn = undefined;
    if (this.served > 0 && !call.answered && !call.retried) {
      // The server closed the kept-alive connection as the request went out: send it once more, on a new one.
      call.retried = true;
      this.pool.start(call, true);
      return;
    }
    call.finished = true;
    const err = this.error ?? Object.assign(new Error('other side closed'), { code: 'ECONNRESET' });
    call.sink.onResponseError(err);
  };
}

/**
 * A header object's lines, built once per object: an LLM adapter's headers and
 * most HttpUser scripts' are the same object request after request. A script
 * may change its object between requests (a token after login), so the names
 * and values it was built from are compared on every use (identity compares of
 * a few strings), unless the object is frozen (the client's shared ones).
 */
interface HeaderBlock {
  text: string;
  hasHost: boolean;
  names: string[];
  values: unknown[];
  frozen: boolean;
  /** Used for a second request: worth caching whole requests for (a fresh object per request is not). */
  reused: boolean;
}
const headerBlocks = new WeakMap<Record<string, string>, HeaderBlock>();
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[\r\n\0]/;
const PATH = /^\/[\x21-\x7e]*$/;
/** Framing is the transport's to write. */
const OWN_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

function unchanged(block: HeaderBlock, headers: Record<string, string>): boolean {
  if (block.frozen) return true;
  const { names, values } = block;
  let i = 0;
  for (const name in headers) {
    if (i >= names.length || names[i] !== name || values[i] !== headers[name]) return false;
    i++;
  }
  return i === names.length;
}

function headerBlock(headers: Record<string, string>): HeaderBlock {
  let block = headerBlocks.get(headers);
  if (block === undefined || !unchanged(block, headers)) {
    let text = '';
    let hasHost = false;
    const names: string[] = [];
    const values: unknown[] = [];
    for (const name in headers) {
      const value = headers[name];
      names.push(name);
      values.push(value);
      if (value === undefined) continue;
      if (!TOKEN.test(name)) throw new Error(`invalid header name ${JSON.stringify(name)}`);
      if (BAD_VALUE.test(String(value))) throw new Error(`invalid value for header ${name}: it contains a line break`);
      const lower = name.toLowerCase();
      if (lower === 'host') hasHost = true;
      else if (OWN_HEADERS.has(lower)) continue;
      text += `${name}: ${value}\r\n`;
    }
    headerBlocks.set(headers, (block = { text, hasHost, names, values, frozen: Object.isFrozen(headers), reused: false }));
  }
  return block;
}

/** Methods whose requests carry no body unless given one: no content-length for them (as undici and Node's http). */
const BODYLESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE']);
const METHOD = /^[A-Z]+$/;

/**
 * Paths cached per header object and origin: few, as a load test's user sends a
 * handful of distinct requests; one with an id in every path must not grow the
 * cache, nor 10,000 users with header objects of their own hold much each.
 */
const MAX_CACHED_PATHS = 16;

function requestBytes(req: TransportRequest, origin: Origin): string | Buffer {
  const method = req.method;
  // GET and HEAD go without a body, as they always have here (an LLM client's GET passes an empty one).
  if (method === 'GET' || method === 'HEAD') {
    // A load test sends the same request again and again: its bytes are built once, as autocannon does.
    const block = headerBlock(req.headers);
    if (!block.reused) {
      block.reused = true;
      if (!PATH.test(req.path)) throw new Error(`invalid request path ${JSON.stringify(req.path)}`);
      return `${method} ${req.path} HTTP/1.1\r\n${block.hasHost ? '' : `host: ${origin.hostHeader}\r\n`}${block.text}\r\n`;
    }
    let paths = origin.heads.get(block);
    if (paths === undefined) origin.heads.set(block, (paths = new Map()));
    const key = method === 'GET' ? req.path : `HEAD ${req.path}`;
    let bytes = paths.get(key);
    if (bytes === undefined) {
      if (!PATH.test(req.path)) throw new Error(`invalid request path ${JSON.stringify(req.path)}`);
      const text = `${method} ${req.path} HTTP/1.1\r\n${block.hasHost ? '' : `host: ${origin.hostHeader}\r\n`}${block.text}\r\n`;
      // Past the cap (an id in every path) the text goes as it is: no Buffer that is never used again.
      if (paths.size >= MAX_CACHED_PATHS) return text;
      paths.set(key, (bytes = Buffer.from(text)));
    }
    return bytes;
  }
  if (!PATH.test(req.path)) throw new Error(`invalid request path ${JSON.stringify(req.path)}`);
  const { text, hasHost } = headerBlock(req.headers);
  const host = hasHost ? '' : `host: ${origin.hostHeader}\r\n`;
  const body = req.body;
  if (method !== 'POST' && method !== 'GET' && !METHOD.test(method)) throw new Error(`invalid method ${JSON.stringify(method)}`);
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  const framing = length === 0 && BODYLESS.has(method) ? '' : `content-length: ${length}\r\n`;
  const head = `${method} ${req.path} HTTP/1.1\r\n${host}${text}${framing}\r\n`;
  // A binary body (an upload) goes after its head in one write.
  if (typeof body !== 'string') return Buffer.concat([Buffer.from(head), body]);
  return head + body;
}
