import type { Dispatcher } from 'undici';
import { createRequire } from 'node:module';
import type { HttpClient, HttpResponse, RequestOptions, ResponseTimings } from '../api/types.js';
import type { MetricsRecorder } from '../metrics/recorder.js';
import { bodyTooLargeMessage, isProtocolError, maxBodyOf } from './answer-limits.js';
import type { ClientContext } from './context.js';
import type { ResponseSink, Sending, Transport } from './transport.js';
import { RetryAfterGate, retryAfterMs, retryAfterNote, timerPause, type Pause } from './retry-after.js';
import { StopUser } from '../errors.js';
import { CONNECT_ERRORS_COUNTER, isConnectError, type ErrorBackoff } from './backoff.js';
import { deadlineList, type DeadlineEntry, type DeadlineList } from './deadlines.js';

// undici's own header parsing, from its core module alone: loading all of undici
// would cost a worker of a plain-HTTP run (socket transport) ~80 ms at start-up.
const { parseHeaders } = createRequire(import.meta.url)('undici/lib/core/util.js') as { parseHeaders(headers: Buffer[]): Record<string, string | string[]> };
const NO_CHUNKS: Buffer[] = [];
const NO_OPTIONS: RequestOptions = {};
/** One object for requests without headers: the socket transport caches a header block per object. */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const JSON_HEADERS: Record<string, string> = Object.freeze({ 'content-type': 'application/json' }) as Record<string, string>;
const SLASH = 47; // '/'

/**
 * A response whose body was read as it arrived: every byte counted, the bytes
 * kept unless the body is discarded; headers, text and JSON are decoded on demand.
 */
class MeasuredResponse implements HttpResponse {
  status = 0;
  rawHeaders?: Buffer[];
  private parsedHeaders?: Record<string, string | string[] | undefined>;
  bytes = 0;
  headersMs = 0;
  firstByteMs = 0;
  totalMs = 0;
  private timingsView?: ResponseTimings;
  error?: string;
  /** Retry-After of a 429 or 503, in ms. */
  retryAfterMs?: number;
  chunks: Buffer[] = NO_CHUNKS;
  private decoded?: string;

  /** Parsed on first access: most load scripts never look at headers. */
  get headers(): Record<string, string | string[] | undefined> {
    return (this.parsedHeaders ??= this.rawHeaders ? (parseHeaders(this.rawHeaders) as Record<string, string | string[] | undefined>) : {});
  }

  /** Headers the socket transport already parsed (names in lower case, repeated ones joined). */
  setHeaders(headers: Record<string, string | string[] | undefined>): void {
    this.parsedHeaders = headers;
  }

  /** Built on first access, like headers: the recorder reads totalMs directly. */
  get timings(): ResponseTimings {
    return (this.timingsView ??= { headersMs: this.headersMs, firstByteMs: this.firstByteMs, totalMs: this.totalMs });
  }

  text(): string {
    if (this.decoded === undefined) {
      this.decoded = this.chunks.length === 1 ? this.chunks[0]!.toString('utf8') : Buffer.concat(this.chunks).toString('utf8');
    }
    return this.decoded;
  }

  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T;
  }

  /** Replaced per response when the request used catchResponse; otherwise a no-op. */
  success(): void {}

  failure(_reason: string): void {}
}

function failureReason(res: MeasuredResponse, okStatuses?: number[]): string | undefined {
  if (res.error !== undefined) return res.error;
  if (res.status >= 400 && !okStatuses?.includes(res.status)) return `HTTP ${res.status}${retryAfterNote(res.retryAfterMs)}`;
  return undefined;
}

function appendQuery(path: string, query: NonNullable<RequestOptions['query']>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) qs.append(k, String(v));
  return path + (path.includes('?') ? '&' : '?') + qs.toString();
}

function nameFor(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}

function hasContentType(headers: Record<string, string>): boolean {
  for (const h in headers) if (h.length === 12 && h.toLowerCase() === 'content-type') return true;
  return false;
}

/** What every request of one user shares. */
interface UserClient {
  recorder: MetricsRecorder;
  hardStop: AbortSignal;
  pendingVerdicts: Array<() => void>;
  /** Bytes of one body kept at most (--max-body). */
  maxBodyBytes: number;
  /** discardResponseBodies: keep no body unless the request asks (discardBody: false). */
  discardBodies: boolean;
  retryAfter: RetryAfterGate;
  backoff: ErrorBackoff | undefined;
}

/**
 * One request in flight: undici's handler (classic hooks, which undici 7's
 * Agent still validates), or the socket transport's sink, and the response it
 * fills in. The hooks are methods
 * of one object rather than closures made per request, and the outcome is
 * recorded here before the promise resolves, so the caller's await is the only
 * hop. Deliberately low-level: this runs once per request of every HTTP user.
 */
class InFlight implements Dispatcher.DispatchHandler, DeadlineEntry {
  readonly res = new MeasuredResponse();
  private readonly startMs = performance.now();
  private settled = false;
  /**
   * The deadline of the whole exchange: queue, connect, headers and body. Not
   * undici's headersTimeout/bodyTimeout: those restart on every chunk, so a
   * body that never ends, or trickles a byte at a time, never times out.
   * Kept in the worker's list for this timeout (deadlines.ts), not a timer per request.
   */
  deadlineMs = 0;
  deadlineList: DeadlineList | undefined = undefined;
  prevDeadline: DeadlineEntry | undefined = undefined;
  nextDeadline: DeadlineEntry | undefined = undefined;
  /** undici's abort for this request, once it is on a connection. */
  private abortRequest?: (err?: Error) => void;
  /** The socket transport's request: its abort reports nothing back, so end() finishes at once. */
  sending?: Sending;
  /** Why this side ended the request (timeout, body over the cap): undici's error is replaced by it. */
  private cause?: Error;
  /** Body bytes kept so far; -1 when the body is discarded. */
  private kept: number;
  resolve!: (res: MeasuredResponse) => void;
  reject!: (err: unknown) => void;

  constructor(
    private readonly user: UserClient,
    private readonly method: string,
    private readonly name: string,
    private readonly opts: RequestOptions,
    readonly timeoutMs: number,
  ) {
    this.kept = (opts.discardBody ?? user.discardBodies) ? -1 : 0;
    deadlineList(timeoutMs).add(this, this.startMs);
  }

  /** The deadline passed (deadlines.ts). */
  expire(): void {
    this.end(new Error(`timeout: no complete response within ${this.timeoutMs} ms`));
  }

  /** Ends the request from this side: tears its connection down, or finishes it at once while it waits for one. */
  end(cause: Error): void {
    if (this.settled || this.cause) return;
    this.cause = cause;
    if (this.sending) {
      // As undici reports an aborted request (onError): no status, the cause as the error.
      this.sending.abort(cause);
      this.res.status = 0;
      this.finish(cause);
    } else if (this.abortRequest) this.abortRequest(cause);
    else this.finish(cause);
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortRequest = abort;
    // Ended while it waited for a connection: undici must not send it now.
    if (this.cause) abort(this.cause);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    const res = this.res;
    res.rawHeaders = rawHeaders;
    this.headersArrived(statusCode);
    return true;
  }

  /** The socket transport's head: headers come parsed. */
  socketHead(status: number, headers: Record<string, string | string[] | undefined>): void {
    this.res.setHeaders(headers);
    this.headersArrived(status);
  }

  private headersArrived(statusCode: number): void {
    const res = this.res;
    res.status = statusCode;
    res.headersMs = performance.now() - this.startMs;
    if (statusCode === 429 || statusCode === 503) {
      const ms = retryAfterMs(statusCode, res.headers['retry-after']);
      if (ms !== undefined) {
        res.retryAfterMs = ms;
        this.user.retryAfter.hold(ms);
      }
    }
  }

  /** The socket transport's body bytes: a range of a read buffer it reuses, copied only when kept. */
  socketData(bytes: Buffer, start: number, end: number): void {
    if (this.settled) return;
    const res = this.res;
    const n = end - start;
    if (res.bytes === 0) res.firstByteMs = performance.now() - this.startMs;
    res.bytes += n;
    if (this.kept < 0 || this.cause) return;
    if (this.kept + n > this.user.maxBodyBytes) {
      res.chunks = NO_CHUNKS;
      this.end(new Error(bodyTooLargeMessage(this.user.maxBodyBytes)));
      return;
    }
    this.kept += n;
    // Copied: the read buffer is reused (no subarray view first: one Buffer object per chunk, not two).
    const chunk = Buffer.allocUnsafe(n);
    bytes.copy(chunk, 0, start, end);
    if (res.chunks === NO_CHUNKS) res.chunks = [chunk];
    else res.chunks.push(chunk);
  }



  onData(chunk: Buffer): boolean {
    const res = this.res;
    if (res.bytes === 0) res.firstByteMs = performance.now() - this.startMs;
    res.bytes += chunk.length;
    if (this.kept < 0 || this.cause) return true;
    this.kept += chunk.length;
    if (this.kept > this.user.maxBodyBytes) {
      // Memory stays bounded by users x --max-body whatever the server sends: drop the rest and the connection.
      res.chunks = NO_CHUNKS;
      this.end(new Error(bodyTooLargeMessage(this.user.maxBodyBytes)));
      return true;
    }
    if (res.chunks === NO_CHUNKS) res.chunks = [chunk];
    else res.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    this.finish(undefined);
  }

  onError(err: Error): void {
    this.res.status = 0;
    if (this.cause) this.finish(this.cause);
    else if (isProtocolError(err)) this.finish(new Error(`protocol: the server's answer is not valid HTTP (${err.message || (err as { code?: string }).code})`));
    else this.finish(err);
  }

  finish(err: Error | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.deadlineList?.remove(this);
    const res = this.res;
    const t = performance.now() - this.startMs;
    res.totalMs = t;
    if (res.headersMs === 0) res.headersMs = t;
    if (res.firstByteMs === 0) res.firstByteMs = res.headersMs;
    if (err) res.error = err.message || err.name;
    const { user, method, name, opts } = this;
    if (user.backoff !== undefined || err !== undefined) noteConnectOutcome(user, res.status, err);
    try {
      if (res.error !== undefined && user.hardStop.aborted) {
        user.recorder.recordRequest({ method, name, durationMs: t, bytes: res.bytes, aborted: true });
      } else if (opts.catchResponse) {
        // Recorded when the caller decides, or by status when the task ends (settle).
        user.pendingVerdicts.push(deferVerdict(res, method, name, opts.okStatuses, user.recorder));
      } else {
        user.recorder.recordRequest({ method, name, durationMs: t, bytes: res.bytes, error: failureReason(res, opts.okStatuses) });
      }
    } catch (recordErr) {
      // Never into undici's parser: the task's await sees it instead.
      this.reject(recordErr);
      return;
    }
    this.resolve(res);
  }
}

/**
 * A request over the socket transport: the request is its own sink, one
 * object per request. Not on InFlight itself because undici 7 would take
 * hooks of these names for its new handler API.
 */
class SocketInFlight extends InFlight implements ResponseSink {
  onResponseStart(status: number, headers: Record<string, string | string[] | undefined>): void {
    this.socketHead(status, headers);
  }
  onResponseData(bytes: Buffer, start: number, end: number): void {
    this.socketData(bytes, start, end);
  }
  onResponseEnd(): void {
    this.finish(undefined);
  }
  onResponseError(err: Error): void {
    this.onError(err);
  }
}

type Method = (path: string, options?: RequestOptions) => Promise<HttpResponse>;

/** Base URLs parsed once per thread: the users of a class share one, and a parse per user kept strings of its own. */
const bases = new Map<string, { origin: string; path: string }>();
function parseBase(url: string): { origin: string; path: string } {
  let base = bases.get(url);
  if (base === undefined) {
    const u = new URL(url);
    base = { origin: u.origin, path: u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '') };
    // Bounded: a host per class, a few per run; more is not a pattern worth keeping.
    if (bases.size < 100) bases.set(url, base);
  }
  return base;
}

/**
 * The HttpUser client. It talks to undici's dispatcher directly: no stream
 * objects per request, body chunks kept as-is (up to --max-body, or not at all
 * with discardBody) and only concatenated if the user reads them. This is the
 * hot path of every HTTP scenario.
 *
 * One object per user, its work in prototype methods: 10,000 idle users must
 * not cost ten closures each (bench:memory). `get`, `post`… are getters that
 * make the method bound to this client on first use, so a scenario may still
 * take them apart (`const { get } = this.client`).
 */
class UserHttpClient implements HttpClient, UserClient {
  readonly recorder: MetricsRecorder;
  readonly hardStop: AbortSignal;
  /** Bytes of one body kept at most (--max-body). */
  readonly maxBodyBytes: number;
  /** discardResponseBodies: keep no body unless the request asks (discardBody: false). */
  readonly discardBodies: boolean;
  readonly backoff: ErrorBackoff | undefined;
  private readonly dispatcher: Dispatcher;
  /** Plain-HTTP hosts go over the socket transport (clients/wire/socket-pool.ts); https, and --http-transport undici, through undici. */
  private readonly sockets: Transport | undefined;
  private readonly origin: string | undefined;
  private readonly basePath: string;
  private readonly requestTimeoutMs: number;
  private readonly pause: Pause | undefined;
  /** Made when a server first says Retry-After, or when a request first asks. */
  private gate?: RetryAfterGate;
  private verdicts?: Array<() => void>;
  private getFn?: Method;
  private postFn?: Method;
  private putFn?: Method;
  private patchFn?: Method;
  private deleteFn?: Method;
  private headFn?: Method;
  private requestFn?: HttpClient['request'];

  constructor(ctx: ClientContext) {
    this.recorder = ctx.recorder;
    this.hardStop = ctx.hardStop;
    this.maxBodyBytes = maxBodyOf(ctx.options);
    this.discardBodies = ctx.options.discardResponseBodies === true;
    this.backoff = ctx.backoff;
    this.dispatcher = ctx.dispatcher;
    this.sockets = ctx.options.httpTransport === 'undici' ? undefined : ctx.sockets;
    this.requestTimeoutMs = ctx.requestTimeoutMs;
    this.pause = ctx.pause;
    const base = ctx.baseUrl ? parseBase(ctx.baseUrl) : undefined;
    this.origin = base?.origin;
    this.basePath = base?.path ?? '';
  }

  get get(): Method {
    return (this.getFn ??= (p, o) => this.send('GET', p, o));
  }
  get post(): Method {
    return (this.postFn ??= (p, o) => this.send('POST', p, o));
  }
  get put(): Method {
    return (this.putFn ??= (p, o) => this.send('PUT', p, o));
  }
  get patch(): Method {
    return (this.patchFn ??= (p, o) => this.send('PATCH', p, o));
  }
  get delete(): Method {
    return (this.deleteFn ??= (p, o) => this.send('DELETE', p, o));
  }
  get head(): Method {
    return (this.headFn ??= (p, o) => this.send('HEAD', p, o));
  }
  get request(): HttpClient['request'] {
    return (this.requestFn ??= (method, path, options) => this.send(method.toUpperCase(), path, options));
  }

  /** InFlight holds the user here when a server says Retry-After. */
  get retryAfter(): RetryAfterGate {
    return (this.gate ??= new RetryAfterGate(this.pause ?? timerPause(this.hardStop)));
  }

  get pendingVerdicts(): Array<() => void> {
    return (this.verdicts ??= []);
  }

  /** Records catch-response requests the task left undecided; the runtime calls it after each task. */
  settle(): void {
    const pending = this.verdicts;
    if (pending === undefined || pending.length === 0) return;
    for (const f of pending.splice(0)) f();
  }

  private send(method: string, path: string, opts: RequestOptions = NO_OPTIONS): Promise<HttpResponse> {
    const wait = this.gate?.wait();
    if (wait === undefined) return this.dispatch(method, path, opts);
    // A server said Retry-After: this request waits it out; a user stopped meanwhile sends nothing.
    return wait.then((ranOut) => (ranOut ? this.dispatch(method, path, opts) : Promise.reject(new StopUser('stopped while waiting out a Retry-After'))));
  }

  private dispatch(method: string, path: string, opts: RequestOptions): Promise<HttpResponse> {
    // After a request that could not connect, the next one waits (clients/backoff.ts).
    const backoff = this.backoff;
    if (backoff !== undefined && backoff.pendingMs() > 0) return backoff.ready().then(() => this.dispatch(method, path, opts));
    let target = this.origin;
    let fullPath: string;
    if (path.charCodeAt(0) === SLASH) {
      // The common case, a path on the user's host: no URL parsing.
      if (target === undefined) return Promise.reject(noHost(method, path));
      fullPath = this.basePath === '' ? path : this.basePath + path;
    } else if (/^https?:\/\//.test(path)) {
      const u = new URL(path);
      target = u.origin;
      fullPath = u.pathname + u.search;
    } else {
      if (target === undefined) return Promise.reject(noHost(method, path));
      // 'items' is relative to the host's path, as '/items' is.
      fullPath = this.basePath + '/' + path;
    }
    if (opts.query) fullPath = appendQuery(fullPath, opts.query);

    let headers: Record<string, string> | undefined = opts.headers;
    let body: string | Uint8Array | undefined = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      // One shared object when the request has no headers of its own: the socket transport caches its header block by object.
      if (headers === undefined) headers = JSON_HEADERS;
      else if (!hasContentType(headers)) headers = { ...headers, 'content-type': 'application/json' };
    }
    const timeout = opts.timeout ?? this.requestTimeoutMs;
    const sockets = this.sockets;
    const overSockets = sockets !== undefined && target!.startsWith('http:');
    const req = new (overSockets ? SocketInFlight : InFlight)(this, method, opts.name ?? nameFor(path), opts, timeout);
    const done = new Promise<HttpResponse>((resolve, reject) => {
      req.resolve = resolve;
      req.reject = reject;
    });
    try {
      if (overSockets) {
        const bytes = body === undefined ? '' : typeof body === 'string' ? body : Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
        req.sending = sockets!.send({ origin: target!, path: fullPath, method, headers: headers ?? NO_HEADERS, body: bytes }, req as SocketInFlight);
      } else {
        this.dispatcher.dispatch(
          { origin: target!, path: fullPath, method: method as Dispatcher.HttpMethod, headers, body: body ?? null, headersTimeout: 0, bodyTimeout: 0 },
          req,
        );
      }
    } catch (err) {
      req.finish(err as Error);
    }
    return done;
  }
}

export function createHttpClient(ctx: ClientContext): HttpClient & { settle(): void } {
  return new UserHttpClient(ctx);
}

/**
 * A request that could not connect is counted (the run guard stops a run whose
 * every request is one) and makes the user back off; any answer resets it.
 */
function noteConnectOutcome(user: UserClient, status: number, err: Error | undefined): void {
  if (err !== undefined && status === 0 && !user.hardStop.aborted && isConnectError(err)) {
    user.recorder.add(CONNECT_ERRORS_COUNTER, 1);
    user.backoff?.failed();
  } else if (status > 0) user.backoff?.succeeded();
}

function noHost(method: string, path: string): Error {
  return new Error(`no host for ${method} ${path}: set \`host\` on the user class or pass --host`);
}

/**
 * Locust's catch_response: the user marks the response with success() or
 * failure(); if neither is called by the end of the task, the status decides.
 * Returns the function that settles an undecided response.
 */
function deferVerdict(r: MeasuredResponse, method: string, name: string, okStatuses: number[] | undefined, recorder: MetricsRecorder): () => void {
  let recorded = false;
  const record = (error: string | undefined) => {
    if (recorded) return;
    recorded = true;
    recorder.recordRequest({ method, name, durationMs: r.totalMs, bytes: r.bytes, error });
  };
  r.success = () => record(undefined);
  r.failure = (reason: string) => record(reason || 'failure');
  return () => record(failureReason(r, okStatuses));
}
