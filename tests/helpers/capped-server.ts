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
 * The capacity holds on a busy machine too (see the slots' timeline below).
 */
export async function startCappedServer(o: { concurrency: number; serviceMs: number }): Promise<CappedServer> {
  let served = 0;
  const queue: Array<{ res: ServerResponse; arrivedAt: number }> = [];
  // Each slot serves back to back on its own ideal timeline, so a timer that fires late on a busy
  // machine does not lower the capacity: the next request of that slot ends S after the ideal end.
  const slots = Array.from({ length: o.concurrency }, () => ({ busy: false, freeAt: 0 }));
  const start = (slot: (typeof slots)[number], res: ServerResponse, arrivedAt: number): void => {
    slot.busy = true;
    slot.freeAt = Math.max(slot.freeAt, arrivedAt) + o.serviceMs;
    setTimeout(() => {
      res.end('ok');
      served++;
      slot.busy = false;
      const next = queue.shift();
      if (next) start(slot, next.res, next.arrivedAt);
    }, Math.max(0, slot.freeAt - performance.now()));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const arrivedAt = performance.now();
    req.on('end', () => {
      const slot = slots.find((x) => !x.busy);
      if (slot) start(slot, res, arrivedAt);
      else queue.push({ res, arrivedAt });
    });
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
