import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TargetServer {
  url: string;
  /** Requests seen, by "METHOD path". */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A small real HTTP server on 127.0.0.1, port 0, for integration and e2e tests.
 * Routes: GET /items, GET /items/:id, POST /login, POST /logout, POST /cart (409
 * when body id is 409), POST /checkout, GET /status/:code, GET /slow/:ms,
 * GET /bytes/:n, any method on /echo (answers its method, headers, query and
 * body as JSON, with a header sent twice), anything else 404 (scenarios/shop.ts
 * runs against it).
 */
export async function startTargetServer(): Promise<TargetServer> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = `${req.method} ${url.pathname}`;
    hits.set(key, (hits.get(key) ?? 0) + 1);
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const parts = url.pathname.split('/').filter(Boolean);
      if (url.pathname === '/echo') {
        res.setHeader('x-twice', ['one', 'two']);
        res.setHeader('content-type', 'application/json');
        return void res.end(JSON.stringify({ method: req.method, headers: req.headers, query: url.search, body }));
      }
      if (url.pathname === '/items' || url.pathname === '/') return void res.end(JSON.stringify({ items: [1, 2, 3], q: url.search }));
      if (parts[0] === 'items' && parts.length === 2) return void res.end(JSON.stringify({ id: Number(parts[1]) }));
      if ((url.pathname === '/login' || url.pathname === '/logout') && req.method === 'POST') return void res.end('{"ok":true}');
      if (url.pathname === '/checkout' && req.method === 'POST') return void res.end('{"paid":true}');
      if (url.pathname === '/cart' && req.method === 'POST') {
        const id = (JSON.parse(body || '{}') as { id?: number }).id;
        res.statusCode = id === 409 ? 409 : 200;
        return void res.end('{}');
      }
      if (parts[0] === 'status') {
        res.statusCode = Number(parts[1]);
        return void res.end();
      }
      if (parts[0] === 'slow') return void setTimeout(() => res.end('slow'), Number(parts[1]));
      if (parts[0] === 'bytes') return void res.end(Buffer.alloc(Number(parts[1]), 97));
      res.statusCode = 404;
      res.end('not found');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
