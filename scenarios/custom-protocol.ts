/**
 * Measuring something that is not HTTP: a `User` has no client of its own, and
 * reports what it does with `measure` (time a block) or `recordRequest` (report a
 * request you timed yourself, as Locust's request event). Both show up in the
 * table and summary.json like HTTP requests, with their type in the method column.
 *
 *   bench run scenarios/custom-protocol.ts -u 10 -t 10s --headless
 *
 * The "protocol" here is a TCP echo server started by setup(), so the example runs
 * anywhere; put your own client (gRPC, a database driver, a queue) in its place.
 */
import { createServer, connect, type Server } from 'node:net';
import { User, between, check, counter, measure, recordRequest, task, trend } from 'volley';

let server: Server | undefined;

/** Runs once on the first worker; its return value reaches every user as this.data. */
export async function setup(): Promise<{ port: number }> {
  server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0 };
}

export async function teardown() {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
}

/** Sends one line and resolves with the line echoed back. */
function echo(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(line + '\n'));
    let got = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('echo timed out')));
    socket.on('data', (d) => {
      got += d.toString();
      if (got.endsWith('\n')) socket.end();
    });
    socket.on('close', () => resolve(got.trimEnd()));
    socket.on('error', reject);
  });
}

export class EchoClient extends User {
  waitTime = between(0.05, 0.2);

  /** measure(): times the block; a throw is recorded as a failure and re-thrown. */
  @task(3) async roundTrip() {
    const { port } = this.data as { port: number };
    const reply = await measure('echo', () => echo(port, `hello from ${this.userId}`), 'tcp');
    check(reply, { 'echo matches': (r) => r === `hello from ${this.userId}` });
  }

  /** recordRequest(): time it yourself, and report size and failure as you see fit. */
  @task async batch() {
    const { port } = this.data as { port: number };
    const lines = Array.from({ length: 5 }, (_, i) => `item ${i}`);
    const start = performance.now();
    let error: string | undefined;
    let bytes = 0;
    try {
      for (const line of lines) bytes += (await echo(port, line)).length;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const durationMs = performance.now() - start;
    recordRequest({ type: 'tcp', name: 'echo batch (5)', durationMs, bytes, error });
    // Any other figure: a trend has percentiles, a counter is a sum.
    trend('echo_ms_per_line', durationMs / lines.length);
    counter('lines_sent', lines.length);
  }
}
