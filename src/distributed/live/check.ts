import { UserError } from '../../errors.js';
import { connectRedis } from './connect.js';

/** A Redis URL fit to print: the password, if any, is masked. */
export function shownRedisUrl(redisUrl: string): string {
  try {
    const u = new URL(redisUrl);
    if (u.password) u.password = '***';
    return u.href.replace(/\/$/, '');
  } catch {
    return redisUrl.replace(/:[^:@/]*@/, ':***@');
  }
}

/**
 * Checks once, before the run, that the Redis of --live answers (connect,
 * authenticate, PING), so a URL that leads nowhere is a user error (exit 2)
 * and not a run that publishes into the void. Once the run is going, Redis
 * going away only costs the live view (the publisher buffers and warns).
 */
export async function checkLiveRedis(redisUrl: string, timeoutMs = 3000): Promise<void> {
  const redis = connectRedis(redisUrl, 'volley-check', { lazyConnect: true, retryStrategy: () => null, connectTimeout: timeoutMs, maxRetriesPerRequest: 0 });
  // connect() rejects with a bare 'Connection is closed.'; the socket's own error says why.
  let cause: unknown;
  redis.on('error', (err) => (cause ??= err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    const e = (cause ?? err) as NodeJS.ErrnoException;
    const why = e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'ETIMEDOUT' ? `no answer within ${timeoutMs / 1000} s` : (e.message || String(err));
    throw new UserError(
      `--live: cannot reach Redis at ${shownRedisUrl(redisUrl)} (${why.replaceAll(redisUrl, shownRedisUrl(redisUrl))})`,
      'start Redis there, fix the host, port or password of --live, or run without --live (the results do not need it)',
      'E_LIVE_URL',
    );
  } finally {
    redis.disconnect();
  }
}
