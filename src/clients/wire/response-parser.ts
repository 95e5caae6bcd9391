/**
 * An HTTP/1.1 response reader over raw bytes, for the socket transport of LLM
 * streams (see socket-pool.ts for why it exists). It reads what a client must: the
 * status line and headers, then the body framed by `transfer-encoding:
 * chunked`, `content-length` or the end of the connection, skipping 1xx
 * interim answers. Body bytes are handed on as ranges of the caller's buffer,
 * never copied.
 *
 * Deliberately low-level: a streamed token is one chunk of a few dozen bytes,
 * so the per-chunk work (a hex size, a range, a CRLF) is a handful of byte
 * comparisons with no allocation.
 */

import { parseHead } from './head-parser.js';

/** What the parser reports, in order: one head, body ranges, then done. */
export interface ParserSink {
  onHead(status: number, headers: Record<string, string>, keepAlive: boolean, keepAliveMs: number | undefined): void;
  /** bytes[start, end) is only valid during the call. */
  onBody(bytes: Buffer, start: number, end: number): void;
  onDone(): void;
}

/** A response that breaks HTTP/1.1 framing. */
export class ProtocolError extends Error {
  readonly code = 'VOLLEY_HTTP_PARSE';
}

/** A status line and headers larger than this are refused (undici and Node allow 16 KiB by default). */
export const MAX_HEAD_BYTES = 64 * 1024;
/** Hex digits of a chunk size: 13 is 2^52, more than any body can be. */
const MAX_SIZE_DIGITS = 13;

const CR = 0x0d;
const LF = 0x0a;
const protocolError = (message: string): Error => new ProtocolError(message);

const enum State {
  Head,
  ChunkSize,
  ChunkExt,
  ChunkData,
  ChunkDataCr,
  ChunkDataLf,
  Trailer,
  Length,
  UntilClose,
  Done,
}

export class ResponseParser {
  private state = State.Head;
  /** Head bytes that arrived split across reads, copied (the reads' buffer is reused). */
  private headParts: Buffer[] = [];
  private headBytes = 0;
  /** Bytes left: of the current chunk, or of a content-length body. */
  private left = 0;
  private sizeDigits = 0;
  /** Length of the trailer line being read (0: an empty line ends the trailers). */
  private trailerLine = 0;
  /** The request was a HEAD: its answer has headers only, whatever they say of a body. */
  noBody = false;

  constructor(private readonly sink: ParserSink) {}

  /** Ready for the next response on the same connection. */
  reset(): void {
    this.state = State.Head;
    if (this.headParts.length > 0) this.headParts = [];
    this.headBytes = 0;
  }

  get done(): boolean {
    return this.state === State.Done;
  }

  /** The body runs until the connection closes: its end is a clean end. */
  get endsAtClose(): boolean {
    return this.state === State.UntilClose;
  }

  /**
   * Reads bytes[start, end). Returns where the response ended when it ended
   * within them (bytes after that belong to nobody), else `end`. Throws
   * ProtocolError on bytes that are not HTTP/1.1.
   */
  execute(bytes: Buffer, start: number, end: number): number {
    let pos = start;
    while (pos < end) {
      switch (this.state) {
        case State.Head:
          pos = this.readHead(bytes, pos, end);
          break;
        case State.ChunkSize: {
          const c = bytes[pos++]!;
          const digit = hexValue(c);
          if (digit >= 0) {
            if (++this.sizeDigits > MAX_SIZE_DIGITS) throw new ProtocolError('chunk size too large');
            this.left = this.left * 16 + digit;
          } else if (this.sizeDigits === 0) throw new ProtocolError(`invalid chunk size byte 0x${c.toString(16)}`);
          else if (c === LF) this.endOfSize();
          else if (c === CR && pos < end && bytes[pos] === LF) {
            // The usual CRLF after the size, read in place (ChunkExt would search for the LF).
            pos++;
            this.endOfSize();
          }
          else if (c === CR || c === 0x3b /* ; */ || c === 0x20 || c === 0x09) this.state = State.ChunkExt;
          else throw new ProtocolError(`invalid chunk size byte 0x${c.toString(16)}`);
          break;
        }
        case State.ChunkExt: {
          // Chunk extensions are allowed and meaningless here: skip to the line end.
          const lf = bytes.indexOf(LF, pos);
          if (lf < 0 || lf >= end) return end;
          pos = lf + 1;
          this.endOfSize();
          break;
        }
        case State.ChunkData:
          pos = this.body(bytes, pos, end);
          if (this.left === 0) this.state = State.ChunkDataCr;
          break;
        case State.ChunkDataCr: {
          const c = bytes[pos++]!;
          if (c === CR) this.state = State.ChunkDataLf;
          else if (c === LF) this.startChunk();
          else throw new ProtocolError('missing CRLF after chunk data');
          break;
        }
        case State.ChunkDataLf:
          if (bytes[pos++] !== LF) throw new ProtocolError('missing CRLF after chunk data');
          this.startChunk();
          break;
        case State.Trailer: {
          const c = bytes[pos++]!;
          if (c === LF) {
            if (this.trailerLine === 0) {
              this.finish();
              return pos;
            }
            this.trailerLine = 0;
          } else if (c !== CR) this.trailerLine++;
          break;
        }
        case State.Length:
          pos = this.body(bytes, pos, end);
          if (this.left === 0) {
            this.finish();
            return pos;
          }
          break;
        case State.UntilClose:
          this.sink.onBody(bytes, pos, end);
          return end;
        case State.Done:
          return pos;
      }
    }
    return end;
  }

  /** Hands on the body bytes of the current chunk or length that this read holds; returns where they end. */
  private body(bytes: Buffer, pos: number, end: number): number {
    const take = Math.min(this.left, end - pos);
    this.sink.onBody(bytes, pos, pos + take);
    this.left -= take;
    return pos + take;
  }

  private startChunk(): void {
    this.state = State.ChunkSize;
    this.left = 0;
    this.sizeDigits = 0;
  }

  private endOfSize(): void {
    if (this.left > 0) this.state = State.ChunkData;
    else {
      this.state = State.Trailer;
      this.trailerLine = 0;
    }
  }

  private finish(): void {
    this.state = State.Done;
    this.sink.onDone();
  }

  /** Collects the head up to its blank line, then parses it; returns where the body starts. */
  private readHead(bytes: Buffer, pos: number, end: number): number {
    let buf = bytes;
    let from = pos;
    let to = end;
    if (this.headParts.length > 0) {
      // Rare: the head came in pieces. Search the joined copy.
      buf = Buffer.concat([...this.headParts, bytes.subarray(pos, end)]);
      from = 0;
      to = buf.length;
    }
    const blank = headEnd(buf, from, to);
    if (blank < 0) {
      if (this.headBytes + (end - pos) > MAX_HEAD_BYTES) throw new ProtocolError(`response head over ${MAX_HEAD_BYTES / 1024} KiB`);
      if (this.headParts.length > 0) this.headParts = [buf];
      else this.headParts.push(Buffer.from(bytes.subarray(pos, end)));
      this.headBytes = this.headParts[0]!.length;
      return end;
    }
    if (blank - from > MAX_HEAD_BYTES) throw new ProtocolError(`response head over ${MAX_HEAD_BYTES / 1024} KiB`);
    const consumedOfJoined = blank - from;
    const bodyStart = this.headParts.length > 0 ? pos + (consumedOfJoined - this.headBytes) : blank;
    if (this.headParts.length > 0) {
      this.headParts = [];
      this.headBytes = 0;
    }
    this.parseHead(buf, from, blank);
    return bodyStart;
  }

  private parseHead(buf: Buffer, from: number, to: number): void {
    // Read by byte (head-parser.ts): one head per HttpUser request.
    const { minor, status, headers } = parseHead(buf, from, to, protocolError);
    // Interim answers (100 Continue, 103 Early Hints): the real one follows.
    if (status >= 100 && status < 200 && status !== 101) {
      this.state = State.Head;
      return;
    }
    const connection = headers['connection'];
    // The usual answer says keep-alive (or nothing, on HTTP/1.1): no lower-casing nor regex for it.
    const keepAlive =
      connection === 'keep-alive' ||
      (connection === undefined ? minor === '1' : minor === '1' ? !/\bclose\b/i.test(connection) : /\bkeep-alive\b/i.test(connection));
    const te = headers['transfer-encoding'];
    const cl = headers['content-length'];
    let closeDelimited = false;
    if (this.noBody || status === 204 || status === 304) this.state = State.Done;
    else if (te !== undefined && /(?:^|,)\s*chunked\s*$/i.test(te)) this.startChunk();
    else if (te !== undefined) closeDelimited = true;
    else if (cl !== undefined) {
      if (!/^\d{1,15}$/.test(cl)) throw new ProtocolError(`invalid content-length: ${JSON.stringify(cl.slice(0, 40))}`);
      this.left = Number(cl);
      this.state = this.left === 0 ? State.Done : State.Length;
    } else closeDelimited = true;
    if (closeDelimited) this.state = State.UntilClose;
    this.sink.onHead(status, headers, keepAlive && !closeDelimited, keepAliveMs(headers['keep-alive']));
    if (this.state === State.Done) this.sink.onDone();
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x57;
  return -1;
}

/** Index just past the blank line ending a head in buf[from, to), or -1. Accepts CRLF and bare LF line ends. */
function headEnd(buf: Buffer, from: number, to: number): number {
  // A byte loop, not indexOf per line: a head is a few hundred bytes, and a native call per line cost more.
  for (let i = from; i < to; i++) {
    if (buf[i] !== LF) continue;
    if (i + 1 < to && buf[i + 1] === LF) return i + 2;
    if (i + 2 < to && buf[i + 1] === CR && buf[i + 2] === LF) return i + 3;
  }
  return -1;
}

/** `Keep-Alive: timeout=5` → 5000 ms. */
function keepAliveMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /timeout\s*=\s*(\d+)/i.exec(value);
  return m ? Number(m[1]) * 1000 : undefined;
}
