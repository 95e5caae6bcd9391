import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CappedServer {
  url: string;
  /** Requests answered. */
  served(): number;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 that works on at most `concurrency`
 * requests at once, each for `serviceMs`, the rest waiting in a FIFO queue:
 * its capacity is concurrency / serviceMs × 1000 requests per second, and past
 * it the queue, and so the latency, grows without bound (a saturated server).
 */
export async function startCappedServer(o: { concurrency: number; serviceMs: number }): Promise<CappedServer> {
  let active = 0;
  let served = 0;
  const queue: ServerResponse[] = [];
  const start = (res: ServerResponse): void => {
    active++;
    setTimeout(() => {
      res.end('ok');
      served++;
      active--;
      const next = queue.shift();
      if (next) start(next);
    }, o.serviceMs);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => (active < o.concurrency ? start(res) : queue.push(res)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served: () => served,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
