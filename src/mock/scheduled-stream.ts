import type { ServerResponse } from 'node:http';
import type { GroundTruthRecord } from './ground-truth.js';
import { MAX_TIMER_MS } from '../util/long-timeout.js';

/** Something in flight that server.close() must stop. */
export interface Abortable {
  abort(reason: string): void;
}

// A write goes out only once performance.now() is this far past its due time,
// so that firstTokenAt - receivedAt >= ttft holds even after both are rounded
// to epoch milliseconds (one ulp there is ~0.00024 ms).
export const DUE_MARGIN_MS = 0.001;

/**
 * An answer written in steps on a schedule (token chunks, audio chunks): each
 * step runs once performance.now() passes its due time, which subclasses
 * compute from the request's start so timer lateness never adds up. One timer
 * at a time; a step already due (the loop was busy) runs at once. The stream
 * ends once: finished, aborted by the server, or closed by the client.
 */
export abstract class ScheduledStream implements Abortable {
  private timer: NodeJS.Timeout | undefined;
  /** No more steps run. */
  protected done = false;
  /** The ground truth is final and the server no longer tracks this stream. */
  private finished = false;

  constructor(
    protected readonly res: ServerResponse,
    protected readonly record: GroundTruthRecord,
    private readonly onDone: (stream: Abortable) => void,
  ) {}

  /** performance.now() at which the next step is due. */
  protected abstract dueAt(): number;
  /** Writes what is due; ends the stream (finish) after the last step. */
  protected abstract step(): void;

  abort(reason: string): void {
    if (this.finish(reason)) this.res.destroy();
  }

  /** Watches the client and runs the first steps; the head is the subclass's to write first. */
  protected begin(): void {
    this.res.once('close', this.onClose);
    this.run();
  }

  private readonly onClose = (): void => {
    this.finish('client disconnected');
  };

  private readonly run = (): void => {
    this.timer = undefined;
    while (!this.done) {
      const waitMs = this.dueAt() + DUE_MARGIN_MS - performance.now();
      if (waitMs > 0) {
        // Timers fire on libuv's ms clock, which can lag performance.now(): an
        // early wake-up just sleeps again for the rest.
        this.timer = setTimeout(this.run, Math.min(MAX_TIMER_MS, Math.ceil(waitMs)));
        return;
      }
      this.step();
    }
  };

  /** Ends the bookkeeping once; false when it was already over. */
  protected finish(error?: string): boolean {
    if (this.finished) return false;
    this.finished = true;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (error) this.record.error = error;
    this.res.off('close', this.onClose);
    this.onDone(this);
    return true;
  }
}
