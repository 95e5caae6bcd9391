import type { ThresholdSpec } from '../../api/options.js';
import { ExitCode } from '../../errors.js';
import type { RunSummary } from '../../metrics/summary-types.js';
import type { Reporter } from '../../metrics/reporter.js';
import { evaluateThresholds, parseThresholds, thresholdsToAbort, type Threshold } from '../../thresholds/index.js';
import { connectRedis } from './connect.js';
import { FleetState, type FleetEvent } from './fleet.js';
import { controlKey, decodeEntry, FIELD, streamKey, type ControlMessage, type InstanceMessage } from './protocol.js';
import { parseLiveUrl } from '../../config/live-url.js';
import { shownRedisUrl } from './check.js';

export interface WatchRequest {
  /** `redis://host:port/<run-id>`, the URL the instances were given with --live. */
  url: string;
  /** Where the fleet's view goes: the TUI, or the headless reporter. */
  reporters: Reporter[];
  /** Judge the fleet by these instead of the thresholds the instances announced. */
  thresholds?: ThresholdSpec[];
  /** An instance silent for longer is shown as lost. Default 5 s. */
  lostAfterMs?: number;
  /** How often the view is refreshed. Default 1 s. */
  tickMs?: number;
  /** Keep watching until this many instances have been seen. */
  expectInstances?: number;
  /** Stops watching (Ctrl-C); the fleet runs on. */
  signal?: AbortSignal;
  /** One line per fleet event (an instance joined, was lost, came back, ended). */
  onEvent?: (line: string) => void;
}

export interface WatchResult {
  summary: RunSummary;
  exitCode: number;
  fleet: FleetState;
  /** Set when this watcher aborted the fleet, with the reason. */
  abortedFleet?: string;
  /** True when the watcher left before the fleet finished. */
  detached: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Asks every instance of the run to stop, as Ctrl-C would on each (they still write their summaries). */
export async function abortFleet(url: string, reason: string, by = 'bench watch'): Promise<void> {
  const { redisUrl, runId } = parseLiveUrl(url, 'bench watch');
  const redis = connectRedis(redisUrl, 'volley-abort', { enableOfflineQueue: true, maxRetriesPerRequest: 3 });
  redis.on('error', () => undefined);
  try {
    const msg: ControlMessage = { type: 'abort', reason, by, at: Date.now() };
    await redis.xadd(controlKey(runId), 'MAXLEN', '~', 1000, '*', FIELD, JSON.stringify(msg));
  } finally {
    redis.disconnect();
  }
}

export function describeEvent(e: FleetEvent): string {
  const who = e.instance.label === e.instance.id ? `instance ${e.instance.id}` : `instance ${e.instance.label} (${e.instance.id})`;
  switch (e.kind) {
    case 'joined':
      return `${who} joined`;
    case 'lost':
      return `${who} lost: silent for ${((e.silentMs ?? 0) / 1000).toFixed(1)} s; the others carry on and its data so far is kept`;
    case 'back':
      return `${who} is back`;
    case 'ended':
      return `${who} finished (${e.instance.stopReason ?? 'done'})`;
    case 'gap':
      return `${who}: ${e.missing} interval(s) never arrived (its buffer overflowed or the stream was trimmed); its summary.json is still exact`;
  }
}

/**
 * The API under `bench watch`: reads the run's stream from its start, merges
 * every instance's intervals exactly, shows the fleet through the reporters
 * as one run, judges thresholds across the fleet (aborting every instance on
 * a crossed `abort` threshold or on a stop from the view), and returns when
 * every instance has ended or is lost.
 */
export async function watchFleet(req: WatchRequest): Promise<WatchResult> {
  const { redisUrl, runId } = parseLiveUrl(req.url, 'bench watch');
  const fleet = new FleetState(req.lostAfterMs ?? 5000);
  const redis = connectRedis(redisUrl, 'volley-watch', { enableOfflineQueue: true, maxRetriesPerRequest: null });
  let warnedDown = false;
  redis.on('error', (err: Error) => {
    if (!warnedDown) req.onEvent?.(`cannot reach ${shownRedisUrl(redisUrl)} (${err.message}); retrying`);
    warnedDown = true;
  });
  redis.on('ready', () => (warnedDown = false));

  let stopped = false;
  let started = false;
  let abortedFleet: string | undefined;
  let thresholds: Threshold[] | undefined = req.thresholds ? parseThresholds(req.thresholds, 'thresholds') : undefined;

  const emit = async <K extends 'onRunStart' | 'onSnapshot' | 'onRunEnd'>(hook: K, arg: Parameters<NonNullable<Reporter[K]>>[0]) => {
    for (const r of req.reporters) {
      try {
        await (r[hook] as ((a: unknown) => unknown) | undefined)?.call(r, arg);
      } catch (err) {
        req.onEvent?.(`the view failed in ${hook}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };

  const abort = async (reason: string) => {
    if (abortedFleet) return;
    abortedFleet = reason;
    req.onEvent?.(`aborting every instance: ${reason}`);
    await abortFleet(req.url, reason).catch((err: Error) => req.onEvent?.(`could not send the abort: ${err.message}`));
  };
  for (const r of req.reporters) r.bindStop?.(() => void abort('stopped from the live view'));

  req.onEvent?.(`watching run ${runId} on ${shownRedisUrl(redisUrl)}; waiting for instances (Ctrl-C leaves, the fleet runs on)`);
  const reader = (async () => {
    let lastId = '0';
    while (!stopped) {
      try {
        const res = (await redis.xread('COUNT', 1000, 'BLOCK', 250, 'STREAMS', streamKey(runId), lastId)) as Array<[string, Array<[string, string[]]>]> | null;
        for (const [, entries] of res ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            const m = decodeEntry<InstanceMessage>(fields);
            if (m && typeof m.seq === 'number' && typeof m.instance === 'string') fleet.apply(m, Date.now());
          }
        }
      } catch {
        if (!stopped) await sleep(250);
      }
    }
  })();

  const detached = await new Promise<boolean>((resolve) => {
    const onSignal = () => finish(true);
    const ticker = setInterval(() => void tick(), req.tickMs ?? 1000);
    req.signal?.addEventListener('abort', onSignal, { once: true });
    if (req.signal?.aborted) onSignal();
    let settledTicks = 0;
    function finish(early: boolean) {
      clearInterval(ticker);
      req.signal?.removeEventListener('abort', onSignal);
      resolve(early);
    }
    async function tick() {
      const now = Date.now();
      for (const e of fleet.events(now)) req.onEvent?.(describeEvent(e));
      if (fleet.instances.size === 0) return;
      if (!started) {
        started = true;
        await emit('onRunStart', { scenario: fleet.scenario || runId, users: fleet.summary(now).meta.users, workers: 0, startTime: fleet.startTime ?? new Date(now).toISOString() });
      }
      thresholds ??= fleet.thresholds.length ? parseThresholds(fleet.thresholds, 'thresholds') : undefined;
      const snap = fleet.snapshot(now);
      if (thresholds?.length) {
        snap.thresholds = evaluateThresholds(thresholds, snap);
        const crossed = thresholdsToAbort(thresholds, snap.thresholds, snap.elapsedMs);
        if (crossed.length) void abort(`threshold crossed across the fleet: ${crossed.map((t) => t.expression).join(', ')}`);
      }
      await emit('onSnapshot', snap);
      const enough = req.expectInstances === undefined || fleet.instances.size >= req.expectInstances;
      // One more tick after settling, for messages still in the stream.
      if (fleet.settled && enough && ++settledTicks >= 2) finish(false);
    }
  });

  stopped = true;
  await reader;
  redis.disconnect();
  const summary = fleet.summary(Date.now());
  if (thresholds?.length) summary.thresholds = evaluateThresholds(thresholds, summary);
  let exitCode: number = ExitCode.Success;
  if (detached) exitCode = ExitCode.Interrupted;
  else if (summary.thresholds?.some((t) => !t.ok)) exitCode = ExitCode.ThresholdsCrossed;
  else if (summary.total.failures > 0) exitCode = ExitCode.RequestsFailed;
  summary.meta.exitCode = exitCode;
  if (started) await emit('onRunEnd', summary);
  return { summary, exitCode, fleet, abortedFleet, detached };
}
