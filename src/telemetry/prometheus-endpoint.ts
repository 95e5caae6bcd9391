import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../errors.js';
import type { Reporter } from '../metrics/reporter.js';
import { viewOfSnapshot, viewOfSummary, VolleySeries } from './volley-series.js';

/** --prometheus-port: Volley's live figures at http://127.0.0.1:<port>/metrics, as a reporter of the run. */
export interface PrometheusEndpoint extends Reporter {
  /** The bound URL (port 0 picks a free one), e.g. http://127.0.0.1:9464/metrics. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the run's series (volley-series.ts) for a Prometheus that scrapes
 * it. Listens on 127.0.0.1 only: the figures name the target's endpoints. The
 * listener never holds the process open; it closes at the run's end, after
 * the final figures were set.
 */
export async function servePrometheus(port: number, host = '127.0.0.1'): Promise<PrometheusEndpoint> {
  const series = new VolleySeries();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: Volley serves GET /metrics\n');
      return;
    }
    series.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': series.registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(err as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new UserError(`--prometheus-port ${port}: cannot listen on ${host}:${port} (${err.code ?? err.message})`, 'give a free port, or 0 to pick one (the URL is printed)')),
    );
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  server.unref();
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${bound}/metrics`,
    onSnapshot: (s) => series.update(viewOfSnapshot(s)),
    onInterval: (_i, s) => series.update(viewOfSnapshot(s)),
    onRunEnd: (summary) => series.update(viewOfSummary(summary, series.current)),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
