import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection for the live view. New commands fail at once while it
 * is down (the publisher keeps its own numbered, bounded buffer instead of
 * ioredis's offline queue); a command in flight when the connection drops is
 * resent by ioredis after the reconnect, which may apply it twice: the
 * watcher's de-duplication by sequence number makes that harmless. (Turning
 * the resend off would leave such a command's promise unsettled for ever.)
 */
export function connectRedis(url: string, name: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // Reconnect for ever, backing off to 2 s: a fleet outlives a Redis restart.
    retryStrategy: (times) => Math.min(100 * times, 2000),
    ...extra,
  });
}
