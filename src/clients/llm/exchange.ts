import type { EventSourceMessage } from 'eventsource-parser';
import type { LlmErrorKind } from '../../api/llm.js';
import { errorMessage, StreamDelta, type ToolCallDelta, type Usage } from './adapter.js';
import type { ResponseSink, Sending, Transport, TransportRequest } from '../transport.js';
import { bodyTooLargeMessage, DEFAULT_MAX_BODY_BYTES, isProtocolError } from '../answer-limits.js';
import { retryAfterMs, retryAfterNote } from '../retry-after.js';
import { SseDecoder } from './sse.js';
import { TOOL_REF } from './timing.js';
import { ContentTemplate } from './template.js';
import { MAX_TIMER_MS } from '../../util/long-timeout.js';

/** One HTTP exchange with an LLM server, described before it starts. */
export interface ExchangeRequest extends TransportRequest {
  /** Expect an SSE stream (a JSON answer is still accepted). */
  stream: boolean;
  timeoutMs: number;
  /** A non-streamed answer, or the text kept from a stream, larger than this fails as body_too_large (--max-body; default 4 MiB). */
  maxBodyBytes?: number;
  /** Parses one SSE event; throws on malformed data. */
  parseEvent?: (event: string | undefined, data: string, out: StreamDelta) => void;
  /** Parses a whole JSON answer; without it, the body text is returned as is. */
  parseBody?: (body: unknown, out: StreamDelta) => void;
  /** Extra signal (the user's) that aborts the request like the hard stop. */
  signal?: AbortSignal;
  /**
   * A binary answer (speech audio): its bytes are counted and timed as they
   * arrive, not kept, except the first `binaryHead` bytes (a WAV header).
   */
  binaryHead?: number;
  /** A binary event stream (AWS's vnd.amazon.eventstream) decoded into events for parseEvent, used when the answer has this content type. */
  binaryStream?: { contentType: string; decoder: (onEvent: (ev: EventSourceMessage) => void) => StreamDecoder };
}

/** What turns a streamed body into events: the SSE decoder, or a binary one (binaryStream). */
export interface StreamDecoder {
  /** True once the stream broke a size bound: the request fails as malformed. */
  readonly overflow: boolean;
  /** What broke, when not the SSE size bound. */
  readonly problem?: string;
  feed(bytes: Buffer, start: number, end: number): void;
  end(): void;
}

/** What happened, with raw timings (performance.now() values); the client derives the metrics. */
export interface ExchangeOutcome {
  status: number;
  /** The server's id for the request, from a response header (see requestIdOf). */
  requestId?: string;
  /** Retry-After of a 429 or 503 answer, in ms. */
  retryAfterMs?: number;
  /** Taken right before the request is handed to the transport. */
  startMs: number;
  endMs: number;
  bytes: number;
  /** Arrival of the first event carrying content or reasoning text. */
  firstTokenMs: number | undefined;
  firstContentMs: number | undefined;
  /** Arrival time of each token-carrying event, and which piece it carried: content index, or -(reasoning index + 1). */
  chunkTimes: number[];
  chunkRefs: number[];
  content: string[];
  reasoning: string[];
  /** Tool-call argument text as it arrived, one piece per token-carrying event (chunkRefs: TOOL_REF + index). */
  toolPieces: string[];
  /** The tool calls, in the order they opened. */
  toolCalls: ToolCallParts[];
  usage: Usage;
  finishReason: string | undefined;
  /** The provider's end marker arrived. */
  done: boolean;
  /** Body text when no parseBody was given (embeddings, rerank), or of a JSON answer. */
  bodyText: string | undefined;
  /** The first bytes of a binary answer (ExchangeRequest.binaryHead). */
  head?: Buffer;
  errorKind: LlmErrorKind | undefined;
  errorMessage: string | undefined;
}

/** One tool call as its pieces arrive. */
export interface ToolCallParts {
  index: number;
  id: string;
  name: string;
  args: string[];
}

/** An outcome before anything happened: no status, no time, nothing received. */
export function emptyOutcome(): ExchangeOutcome {
  return {
    status: 0,
    requestId: undefined,
    retryAfterMs: undefined,
    startMs: 0,
    endMs: 0,
    bytes: 0,
    firstTokenMs: undefined,
    firstContentMs: undefined,
    chunkTimes: [],
    chunkRefs: [],
    content: [],
    reasoning: [],
    toolPieces: [],
    toolCalls: [],
    usage: {},
    finishReason: undefined,
    done: false,
    bodyText: undefined,
    errorKind: undefined,
    errorMessage: undefined,
  };
}

/** An error body is only read for its message: the rest is dropped, not buffered. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_MESSAGE_CHARS = 300;

function clip(s: string): string {
  return s.length > MAX_MESSAGE_CHARS ? s.slice(0, MAX_MESSAGE_CHARS) + '…' : s;
}

/** The kind of an HTTP error status; 401 and 403 are `auth`: the key is missing or refused (the run guard stops such a run). */
export function statusKind(status: number): LlmErrorKind {
  if (status === 401 || status === 403) return 'auth';
  return status === 429 ? 'http_429' : status >= 500 ? 'http_5xx' : 'http_4xx';
}

/** OpenAI and vLLM send `x-request-id`, Anthropic `request-id`, Volley's mock `x-mock-request-id`. */
function requestIdOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const v = headers['x-request-id'] ?? headers['x-mock-request-id'] ?? headers['request-id'];
  return Array.isArray(v) ? v[0] : v;
}

function contentTypeIs(contentType: string | string[] | undefined, wanted: string): boolean {
  const v = Array.isArray(contentType) ? contentType[0] : contentType;
  return v !== undefined && v.toLowerCase().startsWith(wanted);
}

function isEventStream(contentType: string | string[] | undefined): boolean {
  const v = Array.isArray(contentType) ? contentType[0] : contentType;
  return v !== undefined && v.toLowerCase().includes('text/event-stream');
}

/**
 * Runs one request through a transport's callbacks (undici's dispatch API or
 * the socket transport): no stream objects, one performance.now() per body
 * chunk, SSE events handed to the provider's parser as they complete. Never
 * rejects: every failure ends in the outcome.
 */
export function runExchange(transport: Transport, hardStop: AbortSignal, req: ExchangeRequest): Promise<ExchangeOutcome> {
  return new Exchange(transport, hardStop, req).start();
}

class Exchange implements ResponseSink {
  private readonly out = emptyOutcome();
  private sending: Sending | undefined;
  private mode: 'sse' | 'body' | 'binary' | 'error' = 'body';
  private sse: StreamDecoder | undefined;
  private readonly delta = new StreamDelta();
  /** The shape of this stream's token events, once learned (see ContentTemplate). */
  private readonly template = new ContentTemplate();
  private parts: Buffer[] = [];
  private collected = 0;
  /** Text kept from a stream, plus 8 bytes per piece for its arrival time: capped by --max-body like a body. */
  private keptText = 0;
  /** Arrival time of the body chunk being parsed: every event in it shares it. */
  private now = 0;
  private timer: NodeJS.Timeout | undefined;
  private settled = false;
  private resolve!: (o: ExchangeOutcome) => void;

  constructor(
    private readonly transport: Transport,
    private readonly hardStop: AbortSignal,
    private readonly req: ExchangeRequest,
  ) {}

  start(): Promise<ExchangeOutcome> {
    return new Promise<ExchangeOutcome>((resolve) => {
      this.resolve = resolve;
      const { req } = this;
      if (this.hardStop.aborted || req.signal?.aborted) {
        this.out.startMs = this.out.endMs = performance.now();
        this.fail('aborted', 'aborted: the run stopped');
        return this.settle();
      }
      watchHardStop(this.hardStop, this);
      req.signal?.addEventListener('abort', this.onAbort);
      // One coarse timer per request bounds the whole exchange, headers and body together.
      this.timer = setTimeout(this.onTimeout, Math.min(req.timeoutMs, MAX_TIMER_MS));
      this.out.startMs = performance.now();
      try {
        this.sending = this.transport.send(req, this);
      } catch (err) {
        this.fail('network', (err as Error).message);
        this.settle();
      }
    });
  }

  onResponseStart(status: number, headers: Record<string, string | string[] | undefined>): void {
    if (this.settled) return;
    this.out.status = status;
    this.out.requestId = requestIdOf(headers);
    this.out.retryAfterMs = retryAfterMs(status, headers['retry-after']);
    if (status >= 400) this.mode = 'error';
    else if (this.req.stream && this.req.parseEvent && isEventStream(headers['content-type'])) {
      this.mode = 'sse';
      this.sse = new SseDecoder(this.onEvent, this.onPayload);
    } else if (this.req.stream && this.req.parseEvent && this.req.binaryStream && contentTypeIs(headers['content-type'], this.req.binaryStream.contentType)) {
      this.mode = 'sse';
      this.sse = this.req.binaryStream.decoder(this.onEvent);
    } else if (this.req.binaryHead !== undefined) this.mode = 'binary';
    else this.mode = 'body';
  }

  onResponseData(bytes: Buffer, start: number, end: number): void {
    if (this.settled) return;
    const n = end - start;
    this.out.bytes += n;
    if (this.mode === 'sse') {
      this.now = performance.now();
      this.sse!.feed(bytes, start, end);
      if (this.sse!.overflow) this.abort('malformed', `malformed stream: ${this.sse!.problem ?? 'an SSE line or event is over 1 MiB'}`);
      return;
    }
    if (this.mode === 'binary') {
      this.binaryData(bytes, start, end);
      return;
    }
    const limit = this.mode === 'error' ? MAX_ERROR_BODY_BYTES : (this.req.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    if (this.collected + n > limit) {
      // Memory stays bounded by users x --max-body whatever the server sends.
      if (this.mode === 'body') this.abort('body_too_large', bodyTooLargeMessage(limit));
      return;
    }
    this.collected += n;
    // A copy: the socket transport reuses its read buffer.
    this.parts.push(Buffer.from(bytes.subarray(start, end)));
  }


  onResponseEnd(): void {
    if (this.settled) return;
    this.out.endMs = performance.now();
    const { out } = this;
    if (this.mode === 'sse') {
      this.now = out.endMs;
      this.sse!.end();
      if (out.errorKind === undefined && !out.done && out.finishReason === undefined) {
        this.fail('stream_broken', 'stream ended before its end marker');
      }
    } else if (this.mode === 'binary') {
      const parts = this.parts;
      this.parts = [];
      out.head = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    } else if (this.mode === 'error') {
      const text = this.bodyText();
      let detail = text.trim();
      try {
        detail = errorMessage(JSON.parse(text));
      } catch {
        // not JSON: keep the text
      }
      this.fail(statusKind(out.status), `HTTP ${out.status}${detail ? ': ' + clip(detail) : ''}${retryAfterNote(out.retryAfterMs)}`);
    } else {
      const text = this.bodyText();
      out.bodyText = text;
      if (this.req.parseBody) this.readBody(text);
    }
    this.settle();
  }

  onResponseError(err: Error): void {
    if (this.settled) return;
    this.out.endMs = performance.now();
    if (this.out.errorKind === undefined) {
      const code = (err as { code?: string }).code;
      // Timeouts are the exchange's own timer (onTimeout): neither transport has one.
      if (isProtocolError(err)) this.fail('protocol', `protocol: the server's answer is not valid HTTP (${err.message || code})`);
      else if (this.out.status > 0) this.fail('stream_broken', `connection lost mid-answer: ${err.message || code}`);
      else this.fail('network', err.message || code || String(err));
    }
    this.settle();
  }

  /** Audio: the first read is the time to first byte; only the header is kept, so an endless body costs no memory. */
  private binaryData(bytes: Buffer, start: number, end: number): void {
    const { out } = this;
    if (out.firstTokenMs === undefined) out.firstTokenMs = out.firstContentMs = performance.now();
    const want = this.req.binaryHead! - this.collected;
    if (want > 0) {
      const n = Math.min(want, end - start);
      this.parts.push(Buffer.from(bytes.subarray(start, start + n)));
      this.collected += n;
    }
  }

  private readonly onEvent = (ev: EventSourceMessage): void => {
    const { out, delta } = this;
    if (out.errorKind !== undefined) return;
    delta.clear();
    try {
      this.req.parseEvent!(ev.event, ev.data, delta);
    } catch (err) {
      // Keep reading to the end so the connection stays reusable; the request is already failed.
      this.fail('malformed', `malformed stream event (${(err as Error).message}): ${clip(ev.data)}`);
      return;
    }
    if (delta.error !== undefined) {
      this.fail('stream_error', `error in stream: ${clip(delta.error)}`);
      return;
    }
    const now = this.now;
    const hasContent = delta.content.length > 0;
    if (delta.reasoning.length > 0) {
      if (!this.keep(delta.reasoning.length)) return;
      out.reasoning.push(delta.reasoning);
      out.firstTokenMs ??= now;
      if (!hasContent) {
        out.chunkTimes.push(now);
        out.chunkRefs.push(-out.reasoning.length);
      }
    }
    if (delta.toolCalls.length > 0) this.addToolCalls(delta.toolCalls, !hasContent && delta.reasoning.length === 0);
    if (hasContent) {
      this.addContent(delta.content);
      // A token event the template did not know: learn its shape for the next ones.
      if (ev.event === undefined && this.template.wantsToLearn && delta.reasoning.length === 0 && isContentOnly(delta)) {
        this.template.learn(ev.data, delta.content, this.contentOf);
      }
    }
    if (delta.usage !== undefined) mergeUsage(out.usage, delta.usage);
    if (delta.finishReason !== undefined) out.finishReason = delta.finishReason;
    if (delta.done) out.done = true;
  };

  /** Fast path: a data-only event read straight from the bytes when it has the stream's token shape. */
  private readonly onPayload = (bytes: Buffer, start: number, end: number): boolean => {
    const text = this.template.match(bytes, start, end);
    if (text === undefined) return false;
    if (this.out.errorKind === undefined && text.length > 0) this.addContent(text);
    return true;
  };

  /**
   * Counts text a stream makes us keep; false (and the request failed) past
   * --max-body, so a stream that never ends cannot fill memory before its
   * deadline. 4 MiB is about a million tokens: far more than any real answer.
   */
  private keep(chars: number): boolean {
    this.keptText += chars + 8;
    const limit = this.req.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (this.keptText <= limit) return true;
    // What was kept goes too, as with a body over the cap: nothing of it is returned or tokenized.
    const { out } = this;
    out.content = [];
    out.reasoning = [];
    out.toolPieces = [];
    out.toolCalls = [];
    out.chunkTimes = [];
    out.chunkRefs = [];
    this.abort('body_too_large', bodyTooLargeMessage(limit).replace('the response body is', "the stream's text is"));
    return false;
  }

  private addContent(text: string): void {
    if (!this.keep(text.length)) return;
    const { out } = this;
    const now = this.now;
    out.content.push(text);
    out.firstTokenMs ??= now;
    out.firstContentMs ??= now;
    out.chunkTimes.push(now);
    out.chunkRefs.push(out.content.length - 1);
  }

  /**
   * Tool calls are output like text: the event that opens a call (its name)
   * is the first token when nothing came before it, and each event with
   * argument text is a token-carrying chunk (docs/llm-metrics.md#tool-calls).
   * Tool output is not reasoning, so it counts for TTFCT too.
   */
  private addToolCalls(calls: ToolCallDelta[], ownChunk: boolean): void {
    const { out } = this;
    const now = this.now;
    let text = '';
    for (const d of calls) {
      let call = out.toolCalls.find((c) => c.index === d.index);
      if (call === undefined) {
        call = { index: d.index, id: '', name: '', args: [] };
        out.toolCalls.push(call);
      }
      if (d.id) call.id = d.id;
      if (d.name) call.name += d.name;
      if (d.arguments.length > 0) {
        call.args.push(d.arguments);
        text += d.arguments;
      }
    }
    if (!this.keep(text.length + 16)) return;
    out.firstTokenMs ??= now;
    out.firstContentMs ??= now;
    if (text.length === 0) return;
    out.toolPieces.push(text);
    if (ownChunk) {
      out.chunkTimes.push(now);
      out.chunkRefs.push(TOOL_REF + out.toolPieces.length - 1);
    }
  }

  /** The provider parser's content for a data-only payload, when content is all it found. */
  private readonly contentOf = (data: string): string | undefined => {
    const d = new StreamDelta();
    try {
      this.req.parseEvent!(undefined, data, d);
    } catch {
      return undefined;
    }
    return d.reasoning.length === 0 && isContentOnly(d) ? d.content : undefined;
  };

  private readBody(text: string): void {
    const { out, delta } = this;
    delta.clear();
    try {
      this.req.parseBody!(JSON.parse(text), delta);
    } catch (err) {
      this.fail('malformed', `malformed answer (${(err as Error).message}): ${clip(text)}`);
      return;
    }
    if (delta.error !== undefined) {
      this.fail('stream_error', `error in answer: ${clip(delta.error)}`);
      return;
    }
    // A whole answer arrives at once: its text counts as one chunk at the end.
    if (delta.reasoning) out.reasoning.push(delta.reasoning);
    if (delta.content) out.content.push(delta.content);
    for (const d of delta.toolCalls) {
      out.toolCalls.push({ index: d.index, id: d.id ?? '', name: d.name ?? '', args: [d.arguments] });
      if (d.arguments) out.toolPieces.push(d.arguments);
    }
    if (delta.usage) mergeUsage(out.usage, delta.usage);
    out.finishReason = delta.finishReason;
    out.done = true;
  }

  private bodyText(): string {
    const parts = this.parts;
    this.parts = [];
    return parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts).toString('utf8');
  }

  private fail(kind: LlmErrorKind, message: string): void {
    if (this.out.errorKind !== undefined) return;
    this.out.errorKind = kind;
    this.out.errorMessage = message;
  }

  /** Fails the request and tears the connection down (only for bounds, timeouts and stops). */
  private abort(kind: LlmErrorKind, message: string): void {
    this.fail(kind, message);
    this.out.endMs = performance.now();
    this.sending?.abort(new Error(message));
    this.settle();
  }

  private readonly onTimeout = (): void => {
    this.timer = undefined;
    if (!this.settled) this.abort('timeout', `timeout after ${this.req.timeoutMs} ms`);
  };

  readonly onAbort = (): void => {
    if (!this.settled) this.abort('aborted', 'aborted: the run stopped');
  };

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    inFlight.get(this.hardStop)?.delete(this);
    this.req.signal?.removeEventListener('abort', this.onAbort);
    if (this.out.endMs === 0) this.out.endMs = performance.now();
    this.resolve(this.out);
  }
}

function isContentOnly(d: StreamDelta): boolean {
  return d.toolCalls.length === 0 && d.usage === undefined && d.error === undefined && d.finishReason === undefined && !d.done;
}

/**
 * Exchanges in flight per hard-stop signal. One listener per signal (per
 * worker) instead of one per request: an EventTarget listener costs more to
 * add and remove than a Set entry, and thousands of them trip Node's leak warning.
 */
const inFlight = new WeakMap<AbortSignal, Set<Exchange>>();

function watchHardStop(signal: AbortSignal, exchange: Exchange): void {
  let set = inFlight.get(signal);
  if (set === undefined) {
    const exchanges = (set = new Set());
    inFlight.set(signal, exchanges);
    signal.addEventListener('abort', () => {
      for (const e of [...exchanges]) e.onAbort();
    }, { once: true });
  }
  set.add(exchange);
}

/** Providers report usage in pieces (Anthropic: input at the start, output at the end): later fields win. */
function mergeUsage(into: Usage, u: Usage): void {
  if (u.inputTokens !== undefined) into.inputTokens = u.inputTokens;
  if (u.outputTokens !== undefined) into.outputTokens = u.outputTokens;
  if (u.reasoningTokens !== undefined) into.reasoningTokens = u.reasoningTokens;
  if (u.cachedTokens !== undefined) into.cachedTokens = u.cachedTokens;
}
