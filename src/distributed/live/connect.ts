import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection that never queues commands itself and never resends
 * them: the publisher keeps its own buffer (so it can number and bound it),
 * and a command lost with a dropped connection is sent again by that buffer,
 * where the watcher's de-duplication catches it if Redis had applied it.
 */
export function connectRedis(url: string, name: string, extra: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 1,
    // Reconnect for ever, backing off to 2 s: a fleet outlives a Redis restart.
    retryStrategy: (times) => Math.min(100 * times, 2000),
    ...extra,
  });
  return redis;
}
