import type { Dispatcher } from 'undici';

/** One request as a transport sends it: everything known before it starts. */
export interface TransportRequest {
  origin: string;
  /** Path with its query string. */
  path: string;
  /** POST and GET for LLM requests; any method for HttpUser's. */
  method: string;
  headers: Record<string, string>;
  /** JSON text, or bytes (a multipart upload). */
  body: string | Buffer;
}

/**
 * Receives one response, in order: start, data…, then end or error (error may
 * come at any point, also before start). No call follows abort().
 */
export interface ResponseSink {
  onResponseStart(status: number, headers: Record<string, string | string[] | undefined>): void;
  /**
   * Body bytes[start, end). They are only valid during the call (the socket
   * transport hands over a range of the read buffer it reuses): copy what must
   * be kept, and read nothing outside the range.
   */
  onResponseData(bytes: Buffer, start: number, end: number): void;
  onResponseEnd(): void;
  onResponseError(err: Error): void;
}

/** The request in flight: abort() tears its connection down. */
export interface Sending {
  abort(reason: Error): void;
}

/** What sends LLM requests: undici's dispatcher, or the socket transport for plain-HTTP streams (wire/socket-pool.ts). */
export interface Transport {
  send(req: TransportRequest, sink: ResponseSink): Sending;
}

/** The worker's undici dispatcher as a Transport: for https:// origins and anything the socket transport leaves alone. */
export function undiciTransport(dispatcher: Dispatcher): Transport {
  return {
    send(req, sink) {
      const handler = new UndiciHandler(sink);
      dispatcher.dispatch(
        {
          origin: req.origin,
          path: req.path,
          method: req.method as Dispatcher.HttpMethod,
          headers: req.headers,
          body: req.method === 'GET' ? undefined : req.body,
          // The exchange's own timer bounds the whole request: undici's timers, refreshed on every chunk, are not needed.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        handler,
      );
      return handler;
    },
  };
}

class UndiciHandler implements Dispatcher.DispatchHandler, Sending {
  private controller: Dispatcher.DispatchController | undefined;
  private aborted: Error | undefined;

  constructor(private readonly sink: ResponseSink) {}

  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = reason;
    // Still queued for a connection (no controller yet): onRequestStart aborts it when it comes.
    this.controller?.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.aborted) controller.abort(this.aborted);
  }

  onResponseStart(_c: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void {
    if (!this.aborted) this.sink.onResponseStart(status, headers);
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.aborted) this.sink.onResponseData(chunk, 0, chunk.length);
  }

  onResponseEnd(): void {
    if (!this.aborted) this.sink.onResponseEnd();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    if (!this.aborted) this.sink.onResponseError(err);
  }
}
