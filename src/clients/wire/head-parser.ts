/**
 * Reads an HTTP/1.x response head (status line and header lines) straight
 * from the bytes of a read, for response-parser.ts.
 *
 * Why not split a string: HttpUser requests over the socket transport get one
 * head per request, and the string version (one latin1 copy of the head, a
 * split into lines, a slice, trim and toLowerCase per line) was 8–10% of a
 * worker's CPU in `bench:http`. Here the lines are found by byte, well-known
 * header names are matched in place and come back as shared lower-case
 * constants (no string for the name at all), and only values are sliced.
 * The result is the same as the string version's: names in lower case,
 * values trimmed, repeated names joined with ', '.
 */

/** A head that breaks HTTP/1.x (the response parser's ProtocolError). */
export type HeadError = (message: string) => Error;

export interface ParsedHead {
  /** '0' or '1', of HTTP/1.x. */
  minor: string;
  status: number;
  headers: Record<string, string>;
}

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const TAB = 0x09;

/** Header names servers send on almost every answer, matched by byte (case-insensitively) without a string. */
const KNOWN = [
  'date',
  'server',
  'connection',
  'content-type',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'cache-control',
  'etag',
  'last-modified',
  'vary',
  'set-cookie',
  'location',
  'retry-after',
  'content-encoding',
  'accept-ranges',
  'expires',
  'x-powered-by',
  'access-control-allow-origin',
];
/** KNOWN by length: a name is compared only with those of its length. */
const BY_LENGTH: string[][] = [];
for (const name of KNOWN) (BY_LENGTH[name.length] ??= []).push(name);

/** buf[from, from + name.length) is `name`, ignoring ASCII case (name is lower case: letters and '-'). */
function sameName(buf: Buffer, from: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const b = buf[from + i]!;
    // '-' must match exactly; a letter in either case (b | 0x20 folds A-Z onto a-z, and nothing else onto a letter).
    if (b !== c && (c === 0x2d || (b | 0x20) !== c)) return false;
  }
  return true;
}

function knownName(buf: Buffer, from: number, to: number): string | undefined {
  const candidates = BY_LENGTH[to - from];
  if (candidates === undefined) return undefined;
  for (const name of candidates) if (sameName(buf, from, name)) return name;
  return undefined;
}

/** What String.prototype.trim removes at an edge, among latin1 bytes (the string version trimmed). */
function isTrimmed(c: number): boolean {
  return c === SPACE || c === TAB || (c >= 0x0a && c <= 0x0d) || c === 0xa0;
}

/** Buffer's own latin1 slice: toString('latin1', …) checks its arguments and dispatches on the encoding first. */
const latin1 = (buf: Buffer, from: number, to: number): string => (buf as unknown as { latin1Slice(from: number, to: number): string }).latin1Slice(from, to);

/**
 * Parses the head in buf[from, to), `to` just past its blank line. Line ends
 * are CRLF or a bare LF. Throws `fail(message)` on a head that is not HTTP/1.x.
 * Deliberately low-level: one pass of byte reads, no native call per line.
 */
export function parseHead(buf: Buffer, from: number, to: number, fail: HeadError): ParsedHead {
  // A server answers a load test with the same head again and again (its Date changes once a second):
  // the bytes of the last head parsed are compared first, and on a match its result is reused.
  const length = to - from;
  if (length === last.length && length <= LAST_HEAD_BYTES && buf.compare(last.bytes, 0, length, from, to) === 0) {
    // Each response gets its own headers object: a script may change the one it is given.
    return { minor: last.head.minor, status: last.head.status, headers: { ...last.head.headers } };
  }
  const head = parseHeadBytes(buf, from, to, fail);
  if (length <= LAST_HEAD_BYTES) {
    buf.copy(last.bytes, 0, from, to);
    last.length = length;
    last.head = { minor: head.minor, status: head.status, headers: { ...head.headers } };
  }
  return head;
}

/** The head parsed last, in this thread, when it was short enough to keep. */
const LAST_HEAD_BYTES = 1024;
const last = { bytes: Buffer.alloc(LAST_HEAD_BYTES), length: -1, head: { minor: '1', status: 0, headers: {} } as ParsedHead };

function parseHeadBytes(buf: Buffer, from: number, to: number, fail: HeadError): ParsedHead {
  // The status line.
  let lf = from;
  while (lf < to && buf[lf] !== LF) lf++;
  let lineEnd = lf > from && buf[lf - 1] === CR ? lf - 1 : lf;
  // "HTTP/1.x NNN" then the end of the line or a space and a reason phrase (any bytes but CR: the regex's '.').
  let ok =
    lineEnd - from >= 12 &&
    buf[from] === 0x48 && buf[from + 1] === 0x54 && buf[from + 2] === 0x54 && buf[from + 3] === 0x50 &&
    buf[from + 4] === 0x2f && buf[from + 5] === 0x31 && buf[from + 6] === 0x2e &&
    (buf[from + 7] === 0x30 || buf[from + 7] === 0x31) && buf[from + 8] === SPACE &&
    isDigit(buf[from + 9]!) && isDigit(buf[from + 10]!) && isDigit(buf[from + 11]!) &&
    (lineEnd - from === 12 || buf[from + 12] === SPACE);
  for (let i = from + 13; ok && i < lineEnd; i++) if (buf[i] === CR) ok = false;
  if (!ok) throw fail(`not an HTTP/1.x status line: ${JSON.stringify(latin1(buf, from, lineEnd).slice(0, 80))}`);
  const minor = buf[from + 7] === 0x31 ? '1' : '0';
  const status = (buf[from + 9]! - 0x30) * 100 + (buf[from + 10]! - 0x30) * 10 + (buf[from + 11]! - 0x30);
  const headers: Record<string, string> = {};

  // Header lines up to the blank one.
  let pos = lf + 1;
  while (pos < to) {
    let colon = -1;
    lf = pos;
    while (lf < to) {
      const c = buf[lf]!;
      if (c === LF) break;
      if (c === COLON && colon < 0) colon = lf;
      lf++;
    }
    lineEnd = lf > pos && buf[lf - 1] === CR ? lf - 1 : lf;
    if (lineEnd > pos) {
      if (colon <= pos || colon >= lineEnd) {
        throw fail(`invalid header line: ${JSON.stringify(latin1(buf, pos, lineEnd).slice(0, 80))}`);
      }
      let name = knownName(buf, pos, colon);
      if (name === undefined) {
        name = latin1(buf, pos, colon);
        if (isTrimmed(buf[pos]!) || isTrimmed(buf[colon - 1]!)) name = name.trim();
        name = name.toLowerCase();
      }
      let vFrom = colon + 1;
      let vTo = lineEnd;
      while (vFrom < vTo && (buf[vFrom] === SPACE || buf[vFrom] === TAB)) vFrom++;
      while (vTo > vFrom && (buf[vTo - 1] === SPACE || buf[vTo - 1] === TAB)) vTo--;
      let value = vTo === vFrom ? '' : latin1(buf, vFrom, vTo);
      // Other whitespace at an edge (a stray CR, a form feed, NBSP): as trim() would.
      if (vTo > vFrom && (isTrimmed(buf[vFrom]!) || isTrimmed(buf[vTo - 1]!))) value = value.trim();
      const prior = headers[name];
      headers[name] = prior === undefined ? value : `${prior}, ${value}`;
    }
    pos = lf + 1;
  }
  return { minor, status, headers };
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
