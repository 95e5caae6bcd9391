import type { Dispatcher } from 'undici';
import type { MetricsRecorder } from '../metrics/recorder.js';
import type { Pause } from './retry-after.js';
import type { ErrorBackoff } from './backoff.js';
import type { SocketPool } from './wire/socket-pool.js';

/**
 * What the runtime hands every client of one virtual user. The dispatcher is the
 * worker's single keep-alive undici Agent; the recorder is the worker's.
 */
export interface ClientContext {
  recorder: MetricsRecorder;
  dispatcher: Dispatcher;
  /** The worker's socket transport for plain-HTTP LLM streams; without it they go through the dispatcher. */
  sockets?: SocketPool;
  /** Base URL: --host if given, else the user class's `host`. */
  baseUrl: string | undefined;
  requestTimeoutMs: number;
  /** Seeded per user. */
  random: () => number;
  /** Aborted when the run's stop timeout expires: in-flight requests are then recorded as aborted. */
  hardStop: AbortSignal;
  /** The user's interruptible sleep, for Retry-After waits (retry-after.ts); without it, a timer that the hard stop ends. */
  pause?: Pause;
  /** The resolved run options (serializable), including feature-specific ones (LLM, etc.). */
  options: Record<string, unknown>;
  /** The user's backoff after failures (clients/backoff.ts); absent when it is off (`backoffOnError = false`, open models). */
  backoff?: ErrorBackoff;
  /**
   * A warning for the user, once per worker for each key: the worker sends it
   * to the main thread (protocol `warning`), which prints it once per run.
   * Absent outside a run (a client made by hand): then stderr, once per key.
   */
  warnOnce?: WarnOnce;
}

export type WarnOnce = (key: string, message: string) => void;

const warnedOnStderr = new Set<string>();

/** The warning channel of a client made outside a run: stderr, once per key and thread. */
export const stderrWarnOnce: WarnOnce = (key, message) => {
  if (warnedOnStderr.has(key)) return;
  warnedOnStderr.add(key);
  console.warn(message);
};
