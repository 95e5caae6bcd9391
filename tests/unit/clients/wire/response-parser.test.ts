/**
 * The HTTP/1.1 response reader on its own: heads, the three body framings,
 * interim answers, reads split anywhere, and the framing errors it refuses.
 */
import { describe, expect, it } from 'vitest';
import { MAX_HEAD_BYTES, ProtocolError, ResponseParser, type ParserSink } from '../../../../src/clients/wire/response-parser.js';

interface Head {
  status: number;
  headers: Record<string, string>;
  keepAlive: boolean;
  keepAliveMs: number | undefined;
}

/** Records what the parser reports; body ranges are copied (they are only valid during the call). */
class Recorder implements ParserSink {
  heads: Head[] = [];
  parts: Buffer[] = [];
  dones = 0;

  onHead(status: number, headers: Record<string, string>, keepAlive: boolean, keepAliveMs: number | undefined): void {
    this.heads.push({ status, headers, keepAlive, keepAliveMs });
  }
  onBody(bytes: Buffer, start: number, end: number): void {
    this.parts.push(Buffer.from(bytes.subarray(start, end)));
  }
  onDone(): void {
    this.dones++;
  }
  get body(): string {
    return Buffer.concat(this.parts).toString('utf8');
  }
}

function parserWith(): { parser: ResponseParser; rec: Recorder } {
  const rec = new Recorder();
  return { parser: new ResponseParser(rec), rec };
}

/** Feeds the pieces one after another, each read into a fresh buffer with junk around it (reads are ranges of a reused buffer). */
function feed(pieces: Array<string | Buffer>): { rec: Recorder; parser: ResponseParser; ends: number[] } {
  const { parser, rec } = parserWith();
  const ends: number[] = [];
  for (const piece of pieces) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece;
    const framed = Buffer.concat([Buffer.from('@@@'), bytes, Buffer.from('\n\n!!')]);
    ends.push(parser.execute(framed, 3, 3 + bytes.length) - 3);
  }
  return { rec, parser, ends };
}

function parse(text: string): Recorder {
  return feed([text]).rec;
}

function parseError(...pieces: string[]): unknown {
  try {
    feed(pieces);
  } catch (err) {
    return err;
  }
  return undefined;
}

const CHUNKED =
  'HTTP/1.1 200 OK\r\n' +
  'Content-Type: text/event-stream\r\n' +
  'Transfer-Encoding: chunked\r\n' +
  '\r\n' +
  '7\r\ndata: a\r\n' +
  'b\r\n\n\ndata: bcd\r\n' +
  '1A\r\n' +
  'abcdefghijklmnopqrstuvwxyz\r\n' +
  '0\r\n\r\n';
const CHUNKED_BODY = 'data: a\n\ndata: bcdabcdefghijklmnopqrstuvwxyz';

function expectChunkedResult(rec: Recorder): void {
  expect(rec.heads).toEqual([
    { status: 200, headers: { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked' }, keepAlive: true, keepAliveMs: undefined },
  ]);
  expect(rec.body).toBe(CHUNKED_BODY);
  expect(rec.dones).toBe(1);
}

describe('chunked bodies', () => {
  it('reads a chunked response given in one piece', () => {
    const { rec, parser, ends } = feed([CHUNKED]);
    expectChunkedResult(rec);
    expect(parser.done).toBe(true);
    expect(ends).toEqual([CHUNKED.length]);
  });

  it('reads a chunked response given byte by byte', () => {
    const { rec, parser } = feed([...CHUNKED]);
    expectChunkedResult(rec);
    expect(parser.done).toBe(true);
  });

  it('reads a chunked response split in two at every point', () => {
    for (let at = 0; at <= CHUNKED.length; at++) {
      const { rec } = feed([CHUNKED.slice(0, at), CHUNKED.slice(at)]);
      expectChunkedResult(rec);
    }
  });

  it('skips chunk extensions', () => {
    const rec = parse('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;foo=bar\r\nhello\r\n6 ; q="x"\r\n world\r\n0;last\r\n\r\n');
    expect(rec.body).toBe('hello world');
    expect(rec.dones).toBe(1);
  });

  it('reads and ignores trailers after the last chunk', () => {
    const text = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nx-checksum: 1234\r\nx-other: y\r\n\r\n';
    const { rec, ends } = feed([text + 'HTTP/1.1']);
    expect(rec.body).toBe('abc');
    expect(rec.dones).toBe(1);
    expect(rec.heads[0]!.headers).not.toHaveProperty('x-checksum');
    expect(ends).toEqual([text.length]);
  });

  it('takes upper- and lower-case hex chunk sizes', () => {
    const rec = parse(`HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nA\r\n${'x'.repeat(10)}\r\nb\r\n${'y'.repeat(11)}\r\n0\r\n\r\n`);
    expect(rec.body).toBe('x'.repeat(10) + 'y'.repeat(11));
  });

  it('treats a non-chunked transfer-encoding as a body that runs until close', () => {
    const { rec, parser } = feed(['HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\nabc']);
    expect(parser.endsAtClose).toBe(true);
    expect(rec.heads[0]!.keepAlive).toBe(false);
    expect(rec.dones).toBe(0);
  });
});

describe('other framings', () => {
  it('reads a content-length body', () => {
    const { rec, parser, ends } = feed(['HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\nhello', ' world']);
    expect(rec.heads[0]!.status).toBe(200);
    expect(rec.body).toBe('hello world');
    expect(rec.dones).toBe(1);
    expect(parser.done).toBe(true);
    expect(parser.endsAtClose).toBe(false);
    expect(ends[1]).toBe(6);
  });

  it('ends a content-length: 0 response at its head', () => {
    const { rec, parser } = feed(['HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n']);
    expect(rec.parts).toEqual([]);
    expect(rec.dones).toBe(1);
    expect(parser.done).toBe(true);
  });

  it('passes a body without length or chunking on until close and never reports it done', () => {
    const pieces = ['HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nfirst ', 'second ', 'third'];
    const { rec, parser, ends } = feed(pieces);
    expect(rec.heads[0]!.keepAlive).toBe(false);
    expect(rec.body).toBe('first second third');
    expect(parser.endsAtClose).toBe(true);
    expect(parser.done).toBe(false);
    expect(rec.dones).toBe(0);
    expect(ends).toEqual(pieces.map((p) => p.length));
  });

  it('gives a 204 no body even with bytes after its head', () => {
    const text = 'HTTP/1.1 204 No Content\r\ncontent-length: 5\r\n\r\n';
    const { rec, parser, ends } = feed([text + 'hello']);
    expect(rec.heads[0]!.status).toBe(204);
    expect(rec.parts).toEqual([]);
    expect(rec.dones).toBe(1);
    expect(parser.done).toBe(true);
    expect(ends).toEqual([text.length]);
  });

  it('gives a 304 no body', () => {
    const rec = parse('HTTP/1.1 304 Not Modified\r\ntransfer-encoding: chunked\r\n\r\n');
    expect(rec.parts).toEqual([]);
    expect(rec.dones).toBe(1);
  });
});

describe('heads', () => {
  it('skips a 100 Continue and reads the real response after it', () => {
    const text = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok';
    const rec = parse(text);
    expect(rec.heads.map((h) => h.status)).toEqual([201]);
    expect(rec.body).toBe('ok');
    expect(rec.dones).toBe(1);
    for (let at = 0; at <= text.length; at++) {
      const split = feed([text.slice(0, at), text.slice(at)]).rec;
      expect(split.heads.map((h) => h.status)).toEqual([201]);
      expect(split.body).toBe('ok');
    }
  });

  it('accepts bare LF line ends in the head and around chunks', () => {
    const rec = parse('HTTP/1.1 200 OK\ntransfer-encoding: chunked\nx-a: 1\n\n3\nabc\n2\nde\n0\n\n');
    expect(rec.heads[0]!.headers).toEqual({ 'transfer-encoding': 'chunked', 'x-a': '1' });
    expect(rec.body).toBe('abcde');
    expect(rec.dones).toBe(1);
  });

  it('lowercases header names and joins repeated headers with a comma', () => {
    const rec = parse('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-Mixed-Case:  v  \r\nset-cookie: b=2\r\nSET-COOKIE: c=3\r\ncontent-length: 0\r\n\r\n');
    expect(rec.heads[0]!.headers).toEqual({ 'set-cookie': 'a=1, b=2, c=3', 'x-mixed-case': 'v', 'content-length': '0' });
  });

  it('reads a status line without a reason phrase', () => {
    expect(parse('HTTP/1.1 404\r\ncontent-length: 0\r\n\r\n').heads[0]!.status).toBe(404);
  });

  it.each([
    ['HTTP/1.1 without connection header', 'HTTP/1.1 200 OK\r\n', true],
    ['HTTP/1.1 with connection: close', 'HTTP/1.1 200 OK\r\nConnection: close\r\n', false],
    ['HTTP/1.1 with connection: Keep-Alive, Close', 'HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\n', false],
    ['HTTP/1.0 without keep-alive', 'HTTP/1.0 200 OK\r\n', false],
    ['HTTP/1.0 with connection: keep-alive', 'HTTP/1.0 200 OK\r\nconnection: keep-alive\r\n', true],
  ])('keep-alive for %s is %s', (_name, head, keepAlive) => {
    const rec = parse(`${head}content-length: 1\r\n\r\nx`);
    expect(rec.heads[0]!.keepAlive).toBe(keepAlive);
  });

  it('reads the keep-alive timeout in milliseconds', () => {
    const rec = parse('HTTP/1.1 200 OK\r\nkeep-alive: timeout=5, max=100\r\ncontent-length: 0\r\n\r\n');
    expect(rec.heads[0]!.keepAliveMs).toBe(5000);
    expect(parse('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n').heads[0]!.keepAliveMs).toBeUndefined();
    expect(parse('HTTP/1.1 200 OK\r\nkeep-alive: max=3\r\ncontent-length: 0\r\n\r\n').heads[0]!.keepAliveMs).toBeUndefined();
  });
});

describe('where a response ends', () => {
  it('returns the offset just past the response when more bytes follow', () => {
    const first = 'HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabc';
    const chunked = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n';
    expect(feed([first + 'garbage']).ends).toEqual([first.length]);
    expect(feed([chunked + 'garbage']).ends).toEqual([chunked.length]);
  });

  it('reads nothing more once done, until reset', () => {
    const { parser, rec } = parserWith();
    const bytes = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nx');
    expect(parser.execute(bytes, 0, bytes.length)).toBe(bytes.length);
    expect(parser.execute(bytes, 0, bytes.length)).toBe(0);
    expect(rec.heads).toHaveLength(1);
  });

  it('reads a second response on the same parser after reset()', () => {
    const { parser, rec } = parserWith();
    const two = Buffer.from(
      'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nfirst' + 'HTTP/1.1 202 Accepted\r\ntransfer-encoding: chunked\r\n\r\n6\r\nsecond\r\n0\r\n\r\n',
    );
    const at = parser.execute(two, 0, two.length);
    expect(at).toBe(43);
    expect(rec.body).toBe('first');
    parser.reset();
    expect(parser.done).toBe(false);
    expect(parser.execute(two, at, two.length)).toBe(two.length);
    expect(rec.heads.map((h) => h.status)).toEqual([200, 202]);
    expect(rec.body).toBe('firstsecond');
    expect(rec.dones).toBe(2);
  });

  it('resets a head left half-read', () => {
    const { parser, rec } = parserWith();
    const half = Buffer.from('HTTP/1.1 500 Oops\r\nx-a');
    parser.execute(half, 0, half.length);
    parser.reset();
    const whole = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
    parser.execute(whole, 0, whole.length);
    expect(rec.heads.map((h) => h.status)).toEqual([200]);
  });
});

describe('framing errors', () => {
  it.each([
    ['a non-HTTP status line', ['SSH-2.0-OpenSSH_9.6\r\n\r\n']],
    ['an HTTP/2 status line', ['HTTP/2 200\r\n\r\n']],
    ['a header line without a colon', ['HTTP/1.1 200 OK\r\nno colon here\r\n\r\n']],
    ['an invalid chunk size byte', ['HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n']],
    ['an invalid byte after chunk size digits', ['HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5x\r\nhello\r\n']],
    ['missing CRLF after chunk data', ['HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabcd\r\n']],
    ['missing LF after the CR ending chunk data', ['HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\rX']],
    ['an invalid content-length', ['HTTP/1.1 200 OK\r\ncontent-length: 12abc\r\n\r\n']],
    ['a negative content-length', ['HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n']],
    ['conflicting repeated content-lengths', ['HTTP/1.1 200 OK\r\ncontent-length: 3\r\ncontent-length: 4\r\n\r\n']],
    ['a chunk size with too many hex digits', ['HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1', '0000000000000\r\n']],
  ])('throws a ProtocolError for %s', (_name, pieces) => {
    const err = parseError(...pieces);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('VOLLEY_HTTP_PARSE');
  });

  it('takes a chunk size with the most hex digits allowed', () => {
    // 13 digits, leading zeros included.
    const rec = parse('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0000000000003\r\nabc\r\n0\r\n\r\n');
    expect(rec.body).toBe('abc');
  });

  it('refuses a head over MAX_HEAD_BYTES, whole or in pieces', () => {
    const big = `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(MAX_HEAD_BYTES + 8192)}\r\n\r\n`;
    expect(parseError(big)).toBeInstanceOf(ProtocolError);
    const pieces: string[] = [];
    for (let i = 0; i < big.length; i += 4096) pieces.push(big.slice(i, i + 4096));
    expect(parseError(...pieces)).toBeInstanceOf(ProtocolError);
    // Without its blank line: refused before the end of the head is seen.
    expect(parseError(...pieces.slice(0, -1))).toBeInstanceOf(ProtocolError);
  });

  it('takes a head just under MAX_HEAD_BYTES', () => {
    const prefix = 'HTTP/1.1 200 OK\r\nx-big: ';
    const suffix = '\r\ncontent-length: 0\r\n\r\n';
    const head = prefix + 'a'.repeat(MAX_HEAD_BYTES - prefix.length - suffix.length) + suffix;
    expect(head.length).toBe(MAX_HEAD_BYTES);
    expect(parse(head).dones).toBe(1);
  });
});
