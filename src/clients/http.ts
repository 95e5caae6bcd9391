import { util, type Dispatcher } from 'undici';

const parseHeaders = util.parseHeaders;
import type { HttpClient, HttpResponse, RequestOptions } from '../api/types.js';
import type { ClientContext } from './context.js';

const EMPTY: Buffer[] = [];

/** A response whose body was read in full; text and JSON are decoded on demand. */
class MeasuredResponse implements HttpResponse {
  status = 0;
  rawHeaders?: Buffer[];
  private parsedHeaders?: Record<string, string | string[] | undefined>;
  bytes = 0;
  timings = { headersMs: 0, firstByteMs: 0, totalMs: 0 };
  error?: string;
  chunks: Buffer[] = EMPTY;
  /** With catchResponse: undefined until the user decides. */
  verdict?: { ok: boolean; reason?: string };
  private decoded?: string;

  /** Parsed on first access: most load scripts never look at headers. */
  get headers(): Record<string, string | string[] | undefined> {
    return (this.parsedHeaders ??= this.rawHeaders ? (parseHeaders(this.rawHeaders) as Record<string, string | string[] | undefined>) : {});
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

  success(): void {
    this.verdict = { ok: true };
  }

  failure(reason: string): void {
    this.verdict = { ok: false, reason };
  }
}

function failureReason(res: MeasuredResponse, okStatuses?: number[]): string | undefined {
  if (res.error !== undefined) return res.error;
  if (res.status >= 400 && !okStatuses?.includes(res.status)) return `HTTP ${res.status}`;
  return undefined;
}

function buildPath(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) qs.append(k, String(v));
  return path + (path.includes('?') ? '&' : '?') + qs.toString();
}

function nameFor(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}

/**
 * The HttpUser client. It talks to undici's dispatcher directly: no stream
 * objects per request, body chunks kept as-is and only concatenated if the user
 * reads them. This is the hot path of every HTTP scenario.
 */
export function createHttpClient(ctx: ClientContext): HttpClient & { settle(): void } {
  const { recorder, dispatcher, hardStop } = ctx;
  const pendingVerdicts: Array<() => void> = [];
  let origin: string | undefined;
  let basePath = '';
  if (ctx.baseUrl) {
    const u = new URL(ctx.baseUrl);
    origin = u.origin;
    basePath = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '');
  }

  function send(method: string, path: string, opts: RequestOptions = {}): Promise<MeasuredResponse> {
    let target = origin;
    let fullPath = path;
    if (/^https?:\/\//.test(path)) {
      const u = new URL(path);
      target = u.origin;
      fullPath = u.pathname + u.search;
    } else {
      if (!target) return Promise.reject(new Error(`no host for ${method} ${path}: set \`host\` on the user class or pass --host`));
      fullPath = basePath + path;
    }
    fullPath = buildPath(fullPath, opts.query);

    const headers: Record<string, string> = opts.headers ? { ...opts.headers } : {};
    let body: string | Uint8Array | undefined = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    const timeout = opts.timeout ?? ctx.requestTimeoutMs;
    const res = new MeasuredResponse();

    return new Promise<MeasuredResponse>((resolve) => {
      const start = performance.now();
      let chunks: Buffer[] | undefined;
      const finish = (err?: Error) => {
        const t = performance.now() - start;
        res.timings.totalMs = t;
        if (res.timings.headersMs === 0) res.timings.headersMs = t;
        if (res.timings.firstByteMs === 0) res.timings.firstByteMs = res.timings.headersMs;
        if (chunks) res.chunks = chunks;
        if (err) res.error = err.message || err.name;
        resolve(res);
      };
      // undici 7's Agent still validates the classic handler hooks, so we use them.
      const handler: Dispatcher.DispatchHandler = {
        onConnect() {},
        onHeaders(statusCode, rawHeaders) {
          res.status = statusCode;
          res.rawHeaders = rawHeaders as Buffer[];
          res.timings.headersMs = performance.now() - start;
          return true;
        },
        onData(chunk) {
          if (res.bytes === 0) res.timings.firstByteMs = performance.now() - start;
          res.bytes += chunk.length;
          (chunks ??= []).push(chunk);
          return true;
        },
        onComplete() {
          finish();
        },
        onError(err) {
          res.status = 0;
          finish(err);
        },
      };
      try {
        dispatcher.dispatch(
          { origin: target, path: fullPath, method: method as Dispatcher.HttpMethod, headers, body: body ?? null, headersTimeout: timeout, bodyTimeout: timeout },
          handler,
        );
      } catch (err) {
        finish(err as Error);
      }
    }).then((r) => {
      const name = opts.name ?? nameFor(path);
      if (hardStop.aborted && r.error !== undefined) {
        recorder.recordRequest({ method, name, durationMs: r.timings.totalMs, bytes: r.bytes, aborted: true });
        return r;
      }
      if (opts.catchResponse) {
        // Recorded when the caller decides, or by status when the task ends (settle).
        pendingVerdicts.push(deferVerdict(r, method, name, opts.okStatuses, ctx));
        return r;
      }
      recorder.recordRequest({ method, name, durationMs: r.timings.totalMs, bytes: r.bytes, error: failureReason(r, opts.okStatuses) });
      return r;
    });
  }

  const request = (method: string, path: string, options?: RequestOptions) => send(method.toUpperCase(), path, options) as Promise<HttpResponse>;
  return {
    request,
    get: (p, o) => request('GET', p, o),
    post: (p, o) => request('POST', p, o),
    put: (p, o) => request('PUT', p, o),
    patch: (p, o) => request('PATCH', p, o),
    delete: (p, o) => request('DELETE', p, o),
    head: (p, o) => request('HEAD', p, o),
    /** Records catch-response requests the task left undecided; the runtime calls it after each task. */
    settle() {
      for (const f of pendingVerdicts.splice(0)) f();
    },
  };
}

/**
 * Locust's catch_response: the user marks the response with success() or
 * failure(); if neither is called by the end of the task, the status decides.
 * Returns the function that settles an undecided response.
 */
function deferVerdict(r: MeasuredResponse, method: string, name: string, okStatuses: number[] | undefined, ctx: ClientContext): () => void {
  let recorded = false;
  const record = (error: string | undefined) => {
    if (recorded) return;
    recorded = true;
    ctx.recorder.recordRequest({ method, name, durationMs: r.timings.totalMs, bytes: r.bytes, error });
  };
  r.success = () => record(undefined);
  r.failure = (reason: string) => record(reason || 'failure');
  return () => record(failureReason(r, okStatuses));
}
