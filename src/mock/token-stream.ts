import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { StreamFrames } from './dialects/dialect.js';
import { epochNow, type GroundTruthRecord } from './ground-truth.js';
import type { ResponsePlan } from './plan.js';
import { contentText } from './vocabulary.js';
import { escapeJson } from './dialects/dialect.js';
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
 * Writes one streamed answer on its schedule: token i is due at
 * receivedAt + ttft + i*itl (plus any stall and jitter), computed from the
 * absolute start so timer lateness never accumulates. One timer per step; a
 * step that is already due (the loop was busy) is written at once.
 */
export class TokenStream implements Abortable {
  private timer: NodeJS.Timeout | undefined;
  private sent = 0;
  private dueAt = 0;
  private stallShiftMs = 0;
  private stalled = false;
  /** No more steps run. */
  private done = false;
  /** The ground truth is final and the server no longer tracks this stream. */
  private finished = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly frames: StreamFrames,
    private readonly plan: ResponsePlan,
    private readonly record: GroundTruthRecord,
    /** performance.now() when the request arrived. */
    private readonly startedAt: number,
    private readonly onDone: (stream: TokenStream) => void,
  ) {}

  /** Binary frames (AWS event stream) come as latin1 strings: one char per byte. */
  private get encoding(): BufferEncoding {
    return this.frames.binary ? 'latin1' : 'utf8';
  }

  start(headers: OutgoingHttpHeaders): void {
    this.res.writeHead(200, headers);
    const opening = this.frames.open();
    // Headers (and the role chunk) go out now, as a real server sends them before prefill ends.
    if (opening) this.res.write(opening, this.encoding);
    else this.res.flushHeaders();
    this.res.once('close', this.onClose);
    this.scheduleNext();
    this.run();
  }

  abort(reason: string): void {
    if (this.finish(reason)) this.res.destroy();
  }

  private readonly onClose = (): void => {
    this.finish('client disconnected');
  };

  private readonly run = (): void => {
    this.timer = undefined;
    while (!this.done) {
      const waitMs = this.dueAt + DUE_MARGIN_MS - performance.now();
      if (waitMs > 0) {
        // Timers fire on libuv's ms clock, which can lag performance.now(): an
        // early wake-up just sleeps again for the rest.
        this.timer = setTimeout(this.run, Math.min(MAX_TIMER_MS, Math.ceil(waitMs)));
        return;
      }
      this.step();
    }
  };

  private scheduleNext(): void {
    const { plan } = this;
    let due = this.startedAt + plan.ttftMs + this.sent * plan.itlMs + this.stallShiftMs;
    if (plan.jitterMs > 0) due += (plan.random() * 2 - 1) * plan.jitterMs;
    // Jitter may reorder neighbours; tokens still leave in order.
    this.dueAt = Math.max(due, this.dueAt, this.startedAt);
  }

  /** Writes the chunk that is due, and what follows it when it is the last. */
  private step(): void {
    const { plan, record } = this;
    const breakAt = plan.breakAfterTokens === undefined ? Infinity : Math.min(plan.breakAfterTokens, plan.outputTokens);
    if (this.sent >= breakAt) return this.cut();

    const reasoning = this.sent < plan.reasoningTokens;
    const phaseEnd = reasoning ? plan.reasoningTokens : plan.outputTokens;
    const count = Math.min(plan.tokensPerChunk, phaseEnd - this.sent, breakAt - this.sent);
    const text = contentText(plan, this.sent, count);
    const chunk = reasoning ? this.frames.reasoning(text) : this.frames.content(plan.structured ? escapeJson(text) : text);
    this.sent += count;

    const last = this.sent >= plan.outputTokens;
    if (this.sent >= breakAt) {
      // Let the chunk reach the kernel before the cut, so the client sees exactly breakAt tokens.
      this.res.write(chunk, this.encoding, () => this.cut());
      this.done = true;
    } else if (plan.streamError) {
      this.res.end(chunk + this.frames.error('mock: injected stream error'), this.encoding);
    } else if (last) {
      this.res.end(chunk + this.frames.close(), this.encoding);
    } else {
      this.res.write(chunk, this.encoding);
    }

    const now = epochNow();
    record.firstTokenAt ??= now;
    if (!reasoning) record.firstContentAt ??= now;
    record.lastTokenAt = now;
    record.outputTokens = this.sent;
    record.chunks++;

    if (this.done) return; // the cut is pending
    if (plan.streamError) return void this.finish('stream error (injected)');
    if (last) return void this.finish();
    if (plan.stall && !this.stalled && this.sent >= plan.stall.afterTokens) {
      this.stalled = true;
      this.stallShiftMs = plan.stall.ms;
    }
    this.scheduleNext();
  }

  private cut(): void {
    if (this.finish(`stream cut by mock after ${this.sent} tokens`)) this.res.socket?.destroy();
  }

  /** Ends the bookkeeping once; false when it was already over. */
  private finish(error?: string): boolean {
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
