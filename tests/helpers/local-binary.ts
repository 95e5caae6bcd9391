import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';

/** Where a program Debian installs is (redis-server, prometheus: .ci/run installs them), if it is. */
export function findBinary(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A free TCP port on 127.0.0.1, for servers that need a real port number, not 0. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}
