import { UserError } from '../errors.js';

/** Where a fleet's live data lives: a Redis server and the run's id. */
export interface LiveTarget {
  /** The Redis URL without the run id (what ioredis connects to). */
  redisUrl: string;
  runId: string;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Parses `redis://[user:password@]host[:port]/<run-id>` (or `rediss://` for
 * TLS). The path is the run id, not a database number: every instance and
 * `bench watch` of one run name the same URL.
 *
 * @example
 * parseLiveUrl('redis://127.0.0.1:6379/checkout-2025-06-01'); // { redisUrl: 'redis://127.0.0.1:6379', runId: 'checkout-2025-06-01' }
 */
export function parseLiveUrl(text: string, option = '--live'): LiveTarget {
  const hint = 'write redis://host:6379/<run-id>, the same URL for every instance of the run and for bench watch';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`${option} "${text}": not a URL`, hint, 'E_LIVE_URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new UserError(`${option} "${text}": expected redis:// or rediss://, got ${url.protocol}//`, hint, 'E_LIVE_URL');
  const runId = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ''));
  if (!runId) throw new UserError(`${option} "${text}": the URL names no run id`, hint, 'E_LIVE_URL');
  if (!RUN_ID.test(runId)) throw new UserError(`${option} "${text}": run id ${JSON.stringify(runId)} may hold only letters, digits, '.', '_' and '-' (128 at most)`, hint, 'E_LIVE_URL');
  const redisUrl = `${url.protocol}//${url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : ''}${url.host}`;
  return { redisUrl, runId };
}
