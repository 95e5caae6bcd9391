import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GroundTruthRecord } from './ground-truth.js';
import { MockHandler } from './handler.js';
import { resolveMockOptions, type MockOptions } from './options.js';
import { getTokenizer } from '../workload/tokenizer.js';

export type { GroundTruthRecord } from './ground-truth.js';
export type { MockOptions, ResolvedMockOptions } from './options.js';
export { resolveMockOptions } from './options.js';

/** A running mock server. */
export interface MockServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  /** Stops every stream, closes every connection and the listener. */
  close(): Promise<void>;
  /** What the server actually did, one record per API request, oldest first (last 100,000). */
  groundTruth(): GroundTruthRecord[];
  clearGroundTruth(): void;
  /** Tokens its OAuth endpoint (POST /token) has issued: the cloud dialects' refresh checks. */
  tokensIssued(): number;
}

// undici keeps idle connections 4 s by default; the server must keep them
// longer, or a request sent as the server closes the socket fails (ECONNRESET).
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
// Thousands of streams may connect at once; the kernel caps this at somaxconn.
const LISTEN_BACKLOG = 4096;

/**
 * Starts an OpenAI-, Anthropic- and Cohere-compatible mock LLM server with
 * exact, known timing. See docs/mock-server.md.
 *
 * @example
 * const mock = await startMockServer({ ttftMs: 100, itlMs: 10 });
 * // POST `${mock.url}/v1/chat/completions` ...
 * const [record] = mock.groundTruth();
 * await mock.close();
 */
export async function startMockServer(opts: MockOptions = {}): Promise<MockServer> {
  const options = resolveMockOptions(opts);
  // Load the tokenizer now (~100 ms, once per process), not inside the first request's TTFT.
  getTokenizer('cl100k_base').count('warm up');
  const handler = new MockHandler(options, opts.onWarning);
  const server = createServer(handler.handle);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(options.host)}:${port}`,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        handler.abortAll('server closed');
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      })),
    groundTruth: () => handler.groundTruth.list(),
    clearGroundTruth: () => handler.groundTruth.clear(),
    tokensIssued: () => handler.cloudAuth.tokensIssued,
  };
}

/** A host a client can connect to: wildcard addresses mean this machine. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
