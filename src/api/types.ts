/** Options of one HTTP request made through `this.client`. */
export interface RequestOptions {
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** A value sent as JSON (sets content-type). */
  json?: unknown;
  /** A raw body. */
  body?: string | Uint8Array;
  /** Query string parameters, appended to the path. */
  query?: Record<string, string | number | boolean>;
  /** Name to group statistics under; default: the path without the query string. */
  name?: string;
  /**
   * Deadline of the whole request in milliseconds, connecting, headers and body
   * together (default: --request-timeout, 60 s).
   */
  timeout?: number;
  /**
   * Count the response body but keep none of it (`text()` is then `''`), as k6's
   * `discardResponseBodies`; `false` keeps this one even when the option
   * `discardResponseBodies` is set. Either way, a body over `--max-body` fails the request.
   * @example await this.client.get('/video.mp4', { discardBody: true });
   */
  discardBody?: boolean;
  /**
   * Locust's catch_response: the request is recorded only when you call
   * `res.success()` or `res.failure(reason)` (or, if you call neither, by its status).
   */
  catchResponse?: boolean;
  /** Statuses that count as success even though they are >= 400, e.g. `[404]`. */
  okStatuses?: number[];
}

/** Timings of one request, in milliseconds since it was written. */
export interface ResponseTimings {
  /** Until the response headers arrived. */
  headersMs: number;
  /** Until the first body byte arrived (equals headersMs for an empty body). */
  firstByteMs: number;
  /** Until the body was complete. */
  totalMs: number;
}

/**
 * The response of a request made through `this.client`. The body is read as it
 * arrives; it is kept (up to `--max-body`) unless the request set `discardBody`.
 */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Body bytes received (also when the body was discarded). */
  bytes: number;
  timings: ResponseTimings;
  /**
   * Set when the request failed before a complete answer (status is then 0):
   * `timeout: …`, `protocol: …` (not valid HTTP), `body_too_large: …` (over
   * `--max-body`), or the network error's message.
   */
  error?: string;
  text(): string;
  json<T = unknown>(): T;
  /** With `catchResponse`: record this response as a success. */
  success(): void;
  /** With `catchResponse`: record this response as a failure with a reason. */
  failure(reason: string): void;
}

/** `this.client` on an HttpUser: a keep-alive HTTP client whose requests are measured. */
export interface HttpClient {
  get(path: string, options?: RequestOptions): Promise<HttpResponse>;
  post(path: string, options?: RequestOptions): Promise<HttpResponse>;
  put(path: string, options?: RequestOptions): Promise<HttpResponse>;
  patch(path: string, options?: RequestOptions): Promise<HttpResponse>;
  delete(path: string, options?: RequestOptions): Promise<HttpResponse>;
  head(path: string, options?: RequestOptions): Promise<HttpResponse>;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResponse>;
}

/** A request of any kind, reported by hand (Locust's request event). */
export interface CustomRequest {
  /** Request type shown in the method column, e.g. 'grpc' or 'ws'. */
  type: string;
  name: string;
  durationMs: number;
  /** Response size in bytes (default 0). */
  bytes?: number;
  /** A failure reason; absent or undefined on success. */
  error?: string | Error;
}
