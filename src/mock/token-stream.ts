import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { StreamFrames } from './dialects/dialect.js';
import { epochNow, type GroundTruthRecord } from './ground-truth.js';
import type { ResponsePlan } from './plan.js';
import { contentText } from './vocabulary.js';
import { escapeJson } from './dialects/dialect.js';
import { ScheduledStream, type Abortable } from './scheduled-stream.js';

export type { Abortable } from './scheduled-stream.js';

/**
 * Writes one streamed answer on its schedule: token i is due at
 * receivedAt + ttft + i*itl (plus any stall and jitter), computed from the
 * absolute start so timer lateness never accumulates (ScheduledStream).
 */
export class TokenStream extends ScheduledStream {
  private sent = 0;
  private due = 0;
  private stallShiftMs = 0;
  private stalled = false;

  constructor(
    res: ServerResponse,
    private readonly frames: StreamFrames,
    private readonly plan: ResponsePlan,
    record: GroundTruthRecord,
    /** performance.now() when the request arrived. */
    private readonly startedAt: number,
    onDone: (stream: Abortable) => void,
  ) {
    super(res, record, onDone);
  }

  protected dueAt(): number {
    return this.due;
  }

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
    this.scheduleNext();
    this.begin();
  }

  private scheduleNext(): void {
    const { plan } = this;
    let due = this.startedAt + plan.ttftMs + this.sent * plan.itlMs + this.stallShiftMs;
    if (plan.jitterMs > 0) due += (plan.random() * 2 - 1) * plan.jitterMs;
    // Jitter may reorder neighbours; tokens still leave in order.
    this.due = Math.max(due, this.due, this.startedAt);
  }

  /** Writes the chunk that is due, and what follows it when it is the last. */
  protected step(): void {
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
}
