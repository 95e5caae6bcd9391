import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * Servers that misbehave on purpose, each on 127.0.0.1 port 0, speaking raw
 * TCP so they can break HTTP as a real faulty server does. A load generator
 * is pointed at such servers by definition: each kind here is a case of
 * tests/integration/hostile-servers.test.ts.
 */
export type HostileKind =
  /** Accepts the request and never writes a byte. */
  | 'never-answers'
  /** Sends a 200 head, then nothing more. */
  | 'stall-after-headers'
  /** A chunked body of one byte every 200 ms, without end. */
  | 'trickle'
  /** A chunked body of 1 MiB chunks, as fast as the client reads, without end. */
  | 'endless-body'
  /** An SSE chat stream of 1 KiB tokens, as fast as the client reads, without end. */
  | 'endless-stream'
  /** A 200 MiB content-length body, as fast as the client reads. */
  | 'huge-body'
  /** A head promising 1,000 bytes, 100 of them, then a TCP reset. */
  | 'reset-mid-body'
  /** Bytes that are not HTTP. */
  | 'invalid-http'
  /** A chunked body whose chunk size is not hex. */
  | 'bad-chunk'
  /** A good answer with `connection: close`, then the connection closes. */
  | 'close-after-each'
  /** 429 with `retry-after: 5`. */
  | 'retry-after'
  /** Good answers until killAfterRequests were answered, then every connection destroyed and the port closed. */
  | 'killed-mid-run'
  /** A good answer whose `x-request-id` and error-ish headers echo the request's `authorization` (a key leak waiting to happen). */
  | 'echo-key';

export interface HostileServer {
  url: string;
  /** Request heads received. */
  requests(): number;
  close(): Promise<void>;
}

/** A good answer: an OpenAI chat stream, which an HttpUser takes as any 200 body. */
export const GOOD_ANSWER =
  'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}\n\n' +
  'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n' +
  'data: [DONE]\n\n';

const MIB = Buffer.alloc(1024 * 1024, 'x');
const HUGE_BYTES = 200 * 1024 * 1024;

function goodAnswer(close: boolean, extraHeaders = ''): string {
  return (
    `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: ${Buffer.byteLength(GOOD_ANSWER)}\r\n` +
    (close ? 'connection: close\r\n' : '') +
    extraHeaders +
    `\r\n${GOOD_ANSWER}`
  );
}

/** Writes `chunk` until `left` bytes are out (Infinity: forever), waiting for the client to read. */
function pump(socket: Socket, chunk: Buffer | ((b: Buffer) => Buffer), left: number): void {
  const next = () => {
    while (!socket.destroyed && left > 0) {
      const piece = typeof chunk === 'function' ? chunk(MIB) : chunk.length <= left ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!socket.write(piece)) return void socket.once('drain', next);
    }
    if (left <= 0 && !socket.destroyed) socket.end();
  };
  next();
}

export async function startHostileServer(kind: HostileKind, opts: { killAfterRequests?: number } = {}): Promise<HostileServer> {
  let requests = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const every = (ms: number, fn: () => void) => {
    const t = setInterval(fn, ms);
    timers.add(t);
    return t;
  };

  const answer = (socket: Socket, head: string): void => {
    requests++;
    switch (kind) {
      case 'never-answers':
        return;
      case 'stall-after-headers':
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n');
        return;
      case 'trickle': {
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
        const t = every(200, () => (socket.destroyed ? clearInterval(t) : socket.write('1\r\n \r\n')));
        return;
      }
      case 'endless-body':
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
        pump(socket, Buffer.concat([Buffer.from(`${MIB.length.toString(16)}\r\n`), MIB, Buffer.from('\r\n')]), Infinity);
        return;
      case 'endless-stream': {
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n');
        const event = `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"${'y'.repeat(1024)}"},"finish_reason":null}]}\n\n`;
        const events = event.repeat(64);
        pump(socket, Buffer.from(`${Buffer.byteLength(events).toString(16)}\r\n${events}\r\n`), Infinity);
        return;
      }
      case 'huge-body':
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${HUGE_BYTES}\r\n\r\n`);
        pump(socket, MIB, HUGE_BYTES);
        return;
      case 'reset-mid-body':
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: 1000\r\n\r\n${GOOD_ANSWER.slice(0, 100)}`);
        setImmediate(() => socket.resetAndDestroy());
        return;
      case 'invalid-http':
        socket.end('HELLO THERE\r\nthis is not http\r\n\r\n');
        return;
      case 'bad-chunk':
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nnot a chunk\r\n');
        return;
      case 'close-after-each':
        socket.end(goodAnswer(true));
        return;
      case 'retry-after':
        socket.write('HTTP/1.1 429 Too Many Requests\r\nretry-after: 5\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
        return;
      case 'killed-mid-run':
        socket.write(goodAnswer(false));
        if (requests === (opts.killAfterRequests ?? 20)) setImmediate(kill);
        return;
      case 'echo-key': {
        const auth = /\r\nauthorization:\s*([^\r]*)/i.exec(head)?.[1] ?? '';
        socket.write(goodAnswer(false, `x-request-id: req-${auth}\r\n`));
        return;
      }
    }
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = Buffer.alloc(0);
    let bodyLeft = 0;
    let lastHead = '';
    // Reads request after request on the connection: a head, then its content-length body.
    socket.on('data', (data: Buffer) => {
      let buf = Buffer.concat([head, data]);
      for (;;) {
        if (bodyLeft > 0) {
          const take = Math.min(bodyLeft, buf.length);
          bodyLeft -= take;
          buf = buf.subarray(take);
          if (bodyLeft > 0) break;
          answer(socket, lastHead);
        }
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) break;
        const text = (lastHead = buf.toString('latin1', 0, end));
        const cl = /\r\ncontent-length:\s*(\d+)/i.exec(text);
        bodyLeft = cl ? Number(cl[1]) : 0;
        buf = buf.subarray(end + 4);
        const take = Math.min(bodyLeft, buf.length);
        bodyLeft -= take;
        buf = buf.subarray(take);
        if (bodyLeft === 0) answer(socket, text);
      }
      head = Buffer.from(buf);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  function kill() {
    server.close();
    for (const s of sockets) s.destroy();
  }
  return {
    url,
    requests: () => requests,
    close: async () => {
      for (const t of timers) clearInterval(t);
      kill();
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}
