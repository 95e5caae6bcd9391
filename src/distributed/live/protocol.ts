import type { ThresholdSpec } from '../../api/options.js';
import type { WorkerHealth } from '../../metrics/live-snapshot.js';
import type { MetricsDelta } from '../../metrics/delta.js';

/**
 * What instances publish to the Redis stream `volley:<run-id>` (one JSON
 * field `m` per entry) and what `bench watch` writes to
 * `volley:<run-id>:control`. Every instance message carries a sequence number
 * that grows by one per message; a message resent after a reconnect keeps its
 * number, and the watcher ignores numbers it has seen, so nothing counts twice.
 */
export type InstanceMessage =
  /** The instance is about to start its load. */
  | ({ type: 'start' } & MessageHead & {
      scenario: string;
      segment?: string;
      users: number;
      workers: number;
      durationMs?: number;
      startTime: string;
      thresholds: ThresholdSpec[];
      hasSlo: boolean;
    })
  /** One interval of metrics: the encoded delta (exact histograms) and the state at its end. */
  | ({ type: 'interval' } & MessageHead & {
      elapsedMs: number;
      intervalMs: number;
      durationMs?: number;
      users: number;
      targetUsers: number;
      workers: number;
      stage?: string;
      health: WorkerHealth[];
      delta: MetricsDelta;
    })
  /** The instance finished; its summary.json has the exact final figures. */
  | ({ type: 'end' } & MessageHead & { stopReason: string; exitCode?: number; requests: number });

export interface MessageHead {
  /** Stable id of the instance for the whole run (host and pid unless given). */
  instance: string;
  /** A short label to show (the segment, e.g. '2/8'). */
  label: string;
  /** 1, 2, 3… per instance. */
  seq: number;
  /** When the instance created the message (its clock, ms since the epoch). */
  sentAt: number;
}

export type ControlMessage = { type: 'abort'; reason: string; by: string; at: number };

/** The stream field that holds the JSON message. */
export const FIELD = 'm';

export const streamKey = (runId: string) => `volley:${runId}`;
export const controlKey = (runId: string) => `volley:${runId}:control`;

/** Parses one stream entry's fields; undefined for anything that is not ours. */
export function decodeEntry<T>(fields: string[]): T | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] !== FIELD) continue;
    try {
      return JSON.parse(fields[i + 1]!) as T;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
