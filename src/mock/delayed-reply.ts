import type { ServerResponse } from 'node:http';
import type { GroundTruthRecord } from './ground-truth.js';
import { DUE_MARGIN_MS, type Abortable } from './scheduled-stream.js';
import { MAX_TIMER_MS } from '../util/long-timeout.js';

/**
 * Sends a non-streamed answer no earlier than `dueAt` (performance.now() ms):
 * one timer, re-armed if libuv's ms clock wakes it a little early.
 */
export class DelayedReply implements Abortable {
  private timer: NodeJS.Timeout | undefined;
  private finished = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly record: GroundTruthRecord,
    private readonly dueAt: number,
    private readonly send: () => void,
    private readonly onDone: (reply: DelayedReply) => void,
  ) {}

  start(): void {
    this.res.once('close', this.onClose);
    this.run();
  }

  abort(reason: string): void {
    if (this.finish(reason)) this.res.destroy();
  }

  private readonly run = (): void => {
    this.timer = undefined;
    const waitMs = this.dueAt + DUE_MARGIN_MS - performance.now();
    if (waitMs > 0) {
      this.timer = setTimeout(this.run, Math.min(MAX_TIMER_MS, Math.ceil(waitMs)));
      return;
    }
    if (this.finish()) this.send();
  };

  private readonly onClose = (): void => {
    this.finish('client disconnected');
  };

  private finish(error?: string): boolean {
    if (this.finished) return false;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    if (error) this.record.error = error;
    this.res.off('close', this.onClose);
    this.onDone(this);
    return true;
  }
}
