import { pushTimeseries } from 'prometheus-remote-write';
import type { Reporter } from '../metrics/reporter.js';
import { withoutCredentials } from './scrape-target.js';
import { viewOfSnapshot, viewOfSummary, VolleySeries } from './volley-series.js';

export interface RemoteWriteOptions {
  /** The receiver, e.g. http://127.0.0.1:9090/api/v1/write; credentials in it go in an Authorization header. */
  url: string;
  intervalMs: number;
  /** Labels on every series: run_id, scenario, segment. */
  labels: Record<string, string>;
  warn: (message: string) => void;
}

/** --out-remote-write: a reporter of the run that pushes, and what it did. */
export interface RemoteWriter extends Reporter {
  readonly pushes: number;
  readonly failures: number;
  /** Stops the timer (the run's end pushes once more first). */
  close(): Promise<void>;
}

/**
 * Pushes Volley's series (volley-series.ts) to a Prometheus remote-write
 * receiver every `intervalMs` and once more with the final figures at the
 * run's end. prometheus-remote-write encodes the WriteRequest (protobufjs,
 * snappyjs). A failed push is counted and warned about once; the run goes on.
 */
export function createRemoteWriter(opts: RemoteWriteOptions): RemoteWriter {
  const series = new VolleySeries();
  const target = new URL(opts.url);
  const auth = target.username ? { username: decodeURIComponent(target.username), password: decodeURIComponent(target.password) } : undefined;
  target.username = '';
  target.password = '';
  const url = target.toString();
  const shown = withoutCredentials(opts.url);
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let pushes = 0;
  let failures = 0;
  let started = false;

  const push = async (): Promise<void> => {
    const metrics = await series.registry.getMetricsAsJSON();
    const now = Date.now();
    const timeseries = metrics.flatMap((m) =>
      (m.values as Array<{ labels: Record<string, string | number>; value: number; metricName?: string }>).map((v) => ({
        labels: sortedLabels({ ...opts.labels, ...Object.fromEntries(Object.entries(v.labels).map(([k, x]) => [k, String(x)])), __name__: v.metricName ?? m.name }),
        samples: [{ value: v.value, timestamp: now }],
      })),
    );
    try {
      const res = await pushTimeseries(timeseries, { url, auth, fetch: (u, init) => fetch(u, { ...init, body: init?.body as BodyInit, signal: AbortSignal.timeout(Math.max(1000, opts.intervalMs)) }), console: silent });
      if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}${res.errorMessage ? `: ${res.errorMessage.trim().slice(0, 200)}` : ''}`);
      pushes++;
    } catch (err) {
      if (failures++ === 0) opts.warn(`--out-remote-write ${shown}: push failed (${err instanceof Error ? err.message : String(err)}); the run goes on and pushes again`);
    }
  };
  const queue = (): Promise<void> => (inFlight = inFlight.then(push));

  return {
    get pushes() {
      return pushes;
    },
    get failures() {
      return failures;
    },
    onRunStart: () => {
      started = true;
      timer = setInterval(() => void queue(), opts.intervalMs);
      timer.unref();
    },
    onSnapshot: (s) => series.update(viewOfSnapshot(s)),
    onInterval: (_i, s) => series.update(viewOfSnapshot(s)),
    onRunEnd: async (summary) => {
      clearInterval(timer);
      timer = undefined;
      if (!started) return;
      // The final counts: every request the summary has.
      series.update(viewOfSummary(summary, series.current));
      await queue();
    },
    close: async () => {
      clearInterval(timer);
      await inFlight;
    },
  };
}

/** prometheus-remote-write logs only with verbose set; nothing of it reaches the user's terminal. */
const silent = { info: () => undefined, warn: () => undefined } as unknown as Console;

/** Remote write wants each series' labels sorted by name. */
function sortedLabels(labels: Record<string, string>): { __name__: string } & Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as { __name__: string } & Record<string, string>;
}
