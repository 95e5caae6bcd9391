import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stderrWarnOnce, type WarnOnce } from '../context.js';

/**
 * One line of `--requests-log`: what Volley measured for one LLM request.
 * Times are milliseconds from the moment the request was handed to the HTTP
 * client; `t` is that moment as epoch milliseconds (sub-millisecond, on the
 * same clock as performance.now()).
 */
export interface RequestLogRecord {
  t: number;
  /** Stats name of the request (the path, or the `name` option). */
  name: string;
  /**
   * The server's id for the request, from the `x-request-id`, `x-mock-request-id`
   * or `request-id` response header; absent when the server sent none.
   */
  id?: string;
  status: number;
  ttftMs?: number;
  ttfctMs?: number;
  /** Arrival of the last chunk that carried text: lastTokenMs − ttftMs is the decode time this side saw. */
  lastTokenMs?: number;
  e2eMs: number;
  tpotMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** Token-carrying chunks received. */
  chunks?: number;
  /** Sweep stage: the traffic shape in force. */
  traffic?: string;
  /** The request's turn in its conversation (1-based), for turns of `this.llm.conversation()` / --conversations. */
  turn?: number;
  /** Input tokens the server read from its prefix cache, when it reported them. */
  cachedTokens?: number;
  errorKind?: string;
  error?: string;
  /** Made during a sweep's warm-up (or its drain after the last stage): not in the summary's figures. */
  warmup?: boolean;
}

/** Lines are written once this many bytes are waiting, or FLUSH_AFTER_MS after the first one. */
const FLUSH_BYTES = 64 * 1024;
const FLUSH_AFTER_MS = 100;

/**
 * Appends JSONL records to one file, buffered: a record costs one
 * JSON.stringify; the file sees one append per batch. Workers of one run share
 * the file: each batch is a single append of whole lines (O_APPEND), so lines
 * of different workers never interleave mid-line. Lines are not sorted:
 * read them by `t`.
 */
export class RequestsLog {
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Set after a write failed: the log is off for the rest of the run (warned once). */
  private broken = false;

  constructor(
    readonly path: string,
    private readonly warn: WarnOnce = stderrWarnOnce,
  ) {}

  write(record: RequestLogRecord): void {
    if (this.broken) return;
    const line = JSON.stringify(record) + '\n';
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else if (this.timer === undefined) this.timer = setTimeout(this.flush, FLUSH_AFTER_MS);
  }

  /**
   * Writes what is buffered, synchronously: one append of at most 64 KiB per
   * 100 ms and worker costs microseconds, and a line is in the file once this
   * returns. An asynchronous append could still be in flight when the run ends
   * (the summary is written, the worker exits), so the log would lack lines the
   * summary counts.
   */
  readonly flush = (): void => {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 || this.broken) return;
    try {
      appendFileSync(this.path, this.take());
    } catch (err) {
      this.fail(err as Error);
    }
  };

  /** Writes everything buffered now (end of run, worker exit). */
  flushSync(): void {
    this.flush();
  }

  /**
   * Writes what is buffered before a worker thread ends (batches are written
   * synchronously, so none is still in flight).
   */
  async drain(): Promise<void> {
    // Batches are written synchronously, so nothing is in flight: write what is buffered.
    this.flushSync();
  }

  private take(): string {
    const text = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    return text;
  }

  private fail(err: Error): void {
    this.broken = true;
    this.pending = [];
    this.warn(`requests-log:${this.path}`, `volley: --requests-log ${this.path}: ${err.message}; no more request lines are written by this worker`);
  }
}

const logs = new Map<string, RequestsLog>();
let exitHooked = false;

/** The worker's log for `--requests-log <file>` (options.requestsLog), or undefined when it is off. */
export function requestsLogFor(options: Record<string, unknown>, warn?: WarnOnce): RequestsLog | undefined {
  const file = options.requestsLog;
  if (typeof file !== 'string' || file === '') return undefined;
  const path = resolve(file);
  let log = logs.get(path);
  if (log === undefined) {
    log = new RequestsLog(path, warn);
    logs.set(path, log);
    if (!exitHooked) {
      exitHooked = true;
      process.once('exit', flushRequestsLogs);
    }
  }
  return log;
}

/**
 * Writes every buffered line now. The runtime calls it when a worker's users
 * have stopped, so the last requests of a run are never lost.
 */
export function flushRequestsLogs(): void {
  for (const log of logs.values()) log.flushSync();
}

/** Like flushRequestsLogs, after the batches being written have landed: for a worker about to end. */
export async function drainRequestsLogs(): Promise<void> {
  await Promise.all([...logs.values()].map((log) => log.drain()));
}
