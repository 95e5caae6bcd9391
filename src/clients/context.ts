import type { Dispatcher } from 'undici';
import type { MetricsRecorder } from '../metrics/recorder.js';
import type { Pause } from './retry-after.js';
import type { ErrorBackoff } from './backoff.js';
import type { SocketPool } from './wire/pool.js';

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
}
