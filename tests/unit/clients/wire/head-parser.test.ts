import { describe, expect, it } from 'vitest';
import { parseHead } from '../../../../src/clients/wire/head-parser.js';

/** The string version head-parser.ts replaced: its results are the reference. */
function reference(head: string): { minor: string; status: number; headers: Record<string, string> } {
  const lines = head.split(/\r?\n/);
  const m = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0]!);
  if (!m) throw new Error('status line');
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error('header line');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const prior = headers[name];
    headers[name] = prior === undefined ? value : `${prior}, ${value}`;
  }
  return { minor: m[1]!, status: Number(m[2]), headers };
}

const fail = (message: string) => new Error(message);

function parse(head: string, lead = '') {
  // At an offset inside a larger buffer, as a read hands it over.
  const buf = Buffer.from(lead + head + 'BODY', 'latin1');
  return parseHead(buf, lead.length, lead.length + Buffer.byteLength(head, 'latin1'), fail);
}

describe('parseHead (by byte)', () => {
  const heads = [
    'HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Sun, 06 Dec 2026 15:33:31 GMT\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n',
    'HTTP/1.0 404\r\n\r\n',
    'HTTP/1.1 200 OK\nContent-Length: 3\n\n',
    'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nSET-COOKIE:c=3\r\n\r\n',
    'HTTP/1.1 503 Service Unavailable\r\nRetry-After:   7  \r\nX-Custom-Thing:\tv a l\t\r\n\r\n',
    'HTTP/1.1 200 OK\r\n  Spaced-Name  : value\r\nEmpty:\r\nContent-Length : 2\r\n\r\n',
    'HTTP/1.1 200 OK\r\nX-Odd: \x0b odd edge \xa0\r\nX-Latin: caf\xe9\r\nÜber-Header: Ä\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent_Length: 1\r\nContent\rLength: 2\r\nTransfer-Encoding: chunked\r\n\r\n',
    'HTTP/1.1 200 OK\r\nX-Value: a:b:c\r\nKEEP-ALIVE: timeout=5\r\n\r\n',
  ];
  for (const head of heads) {
    it(`reads ${JSON.stringify(head.slice(0, 40))} as the string version did`, () => {
      expect(parse(head)).toEqual(reference(head));
      expect(parse(head, 'leftover bytes\r\n\r\n')).toEqual(reference(head));
    });
  }

  it('gives well-known names in lower case whatever their case on the wire', () => {
    expect(Object.keys(parse('HTTP/1.1 200 OK\r\nCONTENT-LENGTH: 1\r\ncontent-type: x\r\nDaTe: d\r\n\r\n').headers)).toEqual(['content-length', 'content-type', 'date']);
  });

  it('a head identical to the last one gives the same result in an object of its own', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\n';
    const first = parse(head);
    first.headers['x-a'] = 'changed by a script';
    const second = parse(head, 'xx');
    expect(second).toEqual(reference(head));
    expect(second.headers).not.toBe(first.headers);
    // One byte different (the status): parsed anew.
    expect(parse(head.replace('200', '201')).status).toBe(201);
    expect(parse(head).status).toBe(200);
  });

  const bad = [
    'HTTP/2 200 OK\r\n\r\n',
    'HTTP/1.1 20 OK\r\n\r\n',
    'HTTP/1.1 200OK\r\n\r\n',
    'HTTP/1.1 200 O\rK\r\n\r\n',
    'HTTP/1.2 200 OK\r\n\r\n',
    'SSH-2.0-OpenSSH\r\n\r\n',
    'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
    'HTTP/1.1 200 OK\r\n: empty name\r\n\r\n',
  ];
  for (const head of bad) {
    it(`refuses ${JSON.stringify(head.slice(0, 30))}, as the string version did`, () => {
      expect(() => reference(head)).toThrow();
      expect(() => parse(head)).toThrow();
    });
  }
});
