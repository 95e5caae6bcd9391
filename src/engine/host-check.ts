import { connect } from 'node:net';
import { UnreachableHostError, UserError } from '../errors.js';

/**
 * Checks once, before any user starts, that each target accepts TCP
 * connections: an unreachable host is a user error, not thousands of failures.
 */
export async function checkHostReachable(url: string, timeoutMs = 3000): Promise<void> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`host ${JSON.stringify(url)} is not a URL`, 'give a base URL such as http://127.0.0.1:8080');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UserError(`host ${url}: only http:// and https:// are supported`);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const hostname = u.hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: hostname, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new UnreachableHostError(url, `no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new UnreachableHostError(url, err.code === 'ECONNREFUSED' ? 'connection refused' : err.code ?? err.message));
    });
  });
}
