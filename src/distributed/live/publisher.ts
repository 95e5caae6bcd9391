import { hostname } from 'node:os';
import type { ThresholdSpec } from '../../api/options.js';
import type { MetricsAggregate } from '../../metrics/aggregate.js';
import type { LiveSnapshot } from '../../metrics/live-snapshot.js';
import type { RunSummary } from '../../metrics/summary-types.js';
import type { Reporter, RunStartInfo } from '../../metrics/reporter.js';
import { aggregateToDelta } from '../merge/aggregate-io.js';
import { checkLiveRedis, shownRedisUrl } from './check.js';
import { connectRedis } from './connect.js';
import { controlKey, decodeEntry, FIELD, streamKey, type ControlMessage, type InstanceMessage, type MessageHead } from './protocol.js';
import { parseLiveUrl } from '../../config/live-url.js';

export interface LivePublisherOptions {
  /** `redis://host:port/<run-id>`, as given to --live. */
  url: string;
  /** Stable id of this instance; default `<hostname>-<pid>`. */
  instance?: string;
  /** The segment this instance runs, shown as its label. */
  segment?: string;
  /** The run's thresholds, so bench watch can judge the fleet by them. */
  thresholds?: ThresholdSpec[];
  /** Whether the run has LLM SLOs (goodput is shown then). */
  hasSlo?: boolean;
  /** Approximate bound of the stream's length (XADD MAXLEN ~). Default 100,000 entries. */
  maxLen?: number;
  /** Messages kept while Redis is away; the oldest go first past it. Default 3,600 (an hour). */
  bufferLimit?: number;
  /** How long onRunEnd waits for the buffer to drain. Default 5 s. */
  drainTimeoutMs?: number;
  warn?: (message: string) => void;
}

/**
 * A reporter that publishes this instance's per-interval metrics to the Redis
 * stream `volley:<run-id>` for `bench watch`. It needs the engine to call
 * `onInterval` with each interval's merged metrics (exact fleet percentiles);
 * a control message from `bench watch` calls the `onAbort` callbacks and the
 * stop bound with `bindStop`.
 */
export interface LivePublisher extends Reporter {
  /** Publishes one interval: its encoded metrics and the snapshot taken at its end. */
  onInterval(interval: MetricsAggregate, snapshot: LiveSnapshot): void;
  /** Registers a callback for an abort sent by `bench watch` (called once). */
  onAbort(cb: (reason: string) => void): void;
  /** Sends what is buffered (up to the drain timeout) and closes the connections. */
  close(): Promise<void>;
  /** Messages not yet accepted by Redis. */
  readonly pending: number;
  /** Messages dropped because the buffer was full. */
  readonly dropped: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Checks that the Redis of `opts.url` answers (a UserError naming it, without
 * its password, if not), then creates the publisher: what `bench run --live` uses.
 */
export async function openLivePublisher(opts: LivePublisherOptions): Promise<LivePublisher> {
  await checkLiveRedis(parseLiveUrl(opts.url).redisUrl);
  return createLivePublisher(opts);
}

/**
 * Creates the publisher and connects (in the background: a Redis that is
 * down only delays the live view, never the run).
 *
 * @example
 * const live = createLivePublisher({ url: 'redis://127.0.0.1:6379/run-42', segment: '2/4' });
 * live.onAbort((reason) => run.stop(`aborted by bench watch: ${reason}`, true));
 */
export function createLivePublisher(opts: LivePublisherOptions): LivePublisher {
  const { redisUrl, runId } = parseLiveUrl(opts.url);
  const instance = opts.instance ?? `${hostname()}-${process.pid}`;
  const label = opts.segment ?? instance;
  const key = streamKey(runId);
  const maxLen = opts.maxLen ?? 100_000;
  const bufferLimit = opts.bufferLimit ?? 3600;
  const warn = opts.warn ?? (() => undefined);
  const shown = shownRedisUrl(redisUrl);

  const redis = connectRedis(redisUrl, `volley-pub-${instance}`);
  // Blocking reads need their own connection; it may queue while reconnecting.
  const control = connectRedis(redisUrl, `volley-ctl-${instance}`, { enableOfflineQueue: true, maxRetriesPerRequest: null });
  let connected = false;
  let warnedDown = false;
  for (const r of [redis, control]) r.on('error', () => undefined);
  redis.on('ready', () => {
    connected = true;
    if (warnedDown) warn(`live view: reconnected to ${shown}; sending ${queue.length} buffered interval(s)`);
    warnedDown = false;
    void flush();
  });
  redis.on('close', () => {
    if (connected && !closed && !warnedDown) {
      warnedDown = true;
      warn(`live view: lost the connection to ${shown}; the run goes on, buffering intervals until it is back`);
    }
    connected = false;
  });

  // Messages as JSON, oldest first. Appended once a second, so a plain array is fine.
  const queue: string[] = [];
  let seq = 0;
  let dropped = 0;
  let flushing: Promise<void> | undefined;
  let closed = false;
  let aborted = false;
  const abortCallbacks: Array<(reason: string) => void> = [];
  // The bound stop says only 'stopped by user': onAbort callbacks, with the reason, go first.
  const stopCallbacks: Array<() => void> = [];
  let lastElapsedMs = 0;

  function enqueue(body: Record<string, unknown> & { type: InstanceMessage['type'] }): void {
    const head: MessageHead = { instance, label, seq: ++seq, sentAt: Date.now() };
    queue.push(JSON.stringify({ ...body, ...head }));
    if (queue.length > bufferLimit) {
      queue.shift();
      if (dropped++ === 0) warn(`live view: more than ${bufferLimit} intervals buffered; dropping the oldest (bench watch will show the gap; summary.json stays exact)`);
    }
    void flush();
  }

  /** Sends the queue in order, in pipelined batches; what fails stays queued for the next 'ready'. */
  function flush(): Promise<void> {
    if (flushing) return flushing;
    const run = async () => {
      // Let the assignment below happen before the finally clause can clear it.
      await Promise.resolve();
      try {
        while (queue.length > 0 && redis.status === 'ready') {
          const batch = queue.slice(0, 100);
          const pipe = redis.pipeline();
          for (const m of batch) pipe.xadd(key, 'MAXLEN', '~', maxLen, '*', FIELD, m);
          // Never wait for ever on a reply: what timed out is sent again (and de-duplicated by the watcher).
          const results = (await Promise.race([pipe.exec(), sleep(10_000).then(() => [])])) ?? [];
          let ok = 0;
          while (ok < batch.length && results[ok] && !results[ok]![0]) ok++;
          queue.splice(0, ok);
          if (ok < batch.length) break;
        }
      } catch {
        // The connection went away mid-batch: the rest stays queued.
      } finally {
        flushing = undefined;
      }
    };
    flushing = run();
    return flushing;
  }

  function fireAbort(m: ControlMessage): void {
    if (aborted) return;
    aborted = true;
    warn(`live view: ${m.by} aborted the run: ${m.reason}`);
    for (const cb of [...abortCallbacks, ...stopCallbacks.map((f) => () => f())]) {
      try {
        cb(m.reason);
      } catch {
        // A reporter never throws into the engine.
      }
    }
  }

  /** Reads the control stream from its start, so an instance that starts late still sees an abort. */
  async function readControl(): Promise<void> {
    let lastId = '0';
    while (!closed) {
      try {
        const res = (await control.xread('BLOCK', 1000, 'STREAMS', controlKey(runId), lastId)) as Array<[string, Array<[string, string[]]>]> | null;
        for (const [, entries] of res ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            const m = decodeEntry<ControlMessage>(fields);
            if (m?.type === 'abort') fireAbort(m);
          }
        }
      } catch {
        if (!closed) await sleep(500);
      }
    }
  }
  const controlLoop = readControl();

  async function close(): Promise<void> {
    if (closed) return;
    const deadline = Date.now() + (opts.drainTimeoutMs ?? 5000);
    while (queue.length > 0 && Date.now() < deadline) {
      await flush();
      if (queue.length > 0) await sleep(100);
    }
    if (queue.length > 0) warn(`live view: ${queue.length} interval(s) could not be sent to ${shown}; summary.json has every figure`);
    closed = true;
    redis.disconnect();
    control.disconnect();
    // A blocking read queued while Redis is away is never settled by disconnect():
    // wait for the loop only briefly, so a lost Redis never holds up the end of the run.
    await Promise.race([controlLoop, sleep(1500)]);
  }

  return {
    onRunStart(info: RunStartInfo) {
      enqueue({
        type: 'start',
        scenario: info.scenario,
        ...(opts.segment !== undefined && { segment: opts.segment }),
        users: info.users,
        workers: info.workers,
        ...(info.durationMs !== undefined && { durationMs: info.durationMs }),
        startTime: info.startTime,
        thresholds: opts.thresholds ?? [],
        hasSlo: opts.hasSlo ?? false,
      });
    },
    onInterval(interval, s) {
      const intervalStart = lastElapsedMs;
      lastElapsedMs = s.elapsedMs;
      enqueue({
        type: 'interval',
        elapsedMs: Math.round(s.elapsedMs),
        intervalMs: Math.round(s.elapsedMs - intervalStart),
        ...(s.durationMs !== undefined && { durationMs: s.durationMs }),
        users: s.users,
        targetUsers: s.targetUsers,
        workers: s.workers,
        ...(s.stage !== undefined && { stage: s.stage }),
        health: s.health,
        delta: aggregateToDelta(interval),
      });
    },
    async onRunEnd(summary: RunSummary) {
      enqueue({ type: 'end', stopReason: summary.meta.stopReason, exitCode: summary.meta.exitCode, requests: summary.total.requests });
      await close();
    },
    bindStop(stop) {
      stopCallbacks.push(stop);
    },
    onAbort(cb) {
      abortCallbacks.push(cb);
    },
    close,
    get pending() {
      return queue.length;
    },
    get dropped() {
      return dropped;
    },
  };
}

