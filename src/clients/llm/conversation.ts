import { LlmRequestError, type ChatMessage, type ChatOptions, type ContentPart, type Conversation, type LlmResult } from '../../api/llm.js';
import { StopUser } from '../../errors.js';
import type { MetricsRecorder } from '../../metrics/recorder.js';
import type { ConversationScript } from '../../workload/conversation.js';
import type { Pause } from '../retry-after.js';
import { recordSessionEnd, recordSessionStart, recordTurn } from './workload-figures.js';

/** Where a turn's request carries its turn index to the client's --requests-log line (a symbol: never sent in the body). */
export const CONVERSATION_TURN = Symbol('volley.conversationTurn');

/** What a conversation needs of the client that plays it. */
export interface ConversationHost {
  /** The client's chat(), always given `messages`. */
  chat(options: ChatOptions): Promise<LlmResult>;
  recorder: MetricsRecorder;
  /** The user's interruptible sleep: false when the user was stopped meanwhile. */
  pause: Pause;
  /** Turn `turn` (1-based) of a conversation made from the traffic: the user's text and the output length. */
  trafficTurn(turn: number): { content: string; outputTokens: number | undefined };
  /** Output length of a scripted turn's recorded reply; of a turn without one, the traffic's. */
  replyTokens(reply: string | undefined): number | undefined;
}

/** What a conversation plays: a dataset conversation's turns, or `turns` prompts made from the traffic. */
export type ConversationPlan = { script: ConversationScript; turns: number } | { script?: undefined; turns: number };

/**
 * One conversation of one virtual user (the public `Conversation`): the
 * history, the turn index, and the session's bookkeeping. A session starts with
 * its first request and ends after its last turn, a failed turn, or end(); one
 * cut short by the run's stop is neither completed nor broken.
 */
export class PlayedConversation implements Conversation {
  readonly history: ChatMessage[] = [];
  turn = 0;
  done = false;
  private startedAt = 0;

  constructor(
    private readonly host: ConversationHost,
    private readonly plan: ConversationPlan,
    private readonly thinkMs: number,
    system: string | undefined,
    /** The run's salt, put before the first user turn so a cache warmed by an earlier run does not answer it (prefix-pool.ts). */
    private readonly salt: string | undefined,
  ) {
    if (system !== undefined) this.history.push({ role: 'system', content: system });
    if (plan.script) this.history.push(...plan.script.preamble);
  }

  get turns(): number {
    return this.plan.turns;
  }

  next(options: ChatOptions = {}): Promise<LlmResult> {
    if (this.done || this.turn >= this.plan.turns) throw new Error(`this conversation is over (${this.turn} turns): start another with this.llm.conversation()`);
    const index = this.turn + 1;
    if (this.plan.script) {
      const scripted = this.plan.script.turns[this.turn]!;
      return this.sendTurn(scripted.content ?? '', { outputTokens: this.host.replyTokens(scripted.reply), ...options }, true);
    }
    const t = this.host.trafficTurn(index);
    return this.sendTurn(t.content, { outputTokens: t.outputTokens, ...options }, true);
  }

  send(content: string | ContentPart[], options: ChatOptions = {}): Promise<LlmResult> {
    return this.sendTurn(content, options, false);
  }

  /** `scripted`: sent by next(), so the conversation ends by itself after its last planned turn; send() ends only with end() or a failure. */
  private async sendTurn(content: string | ContentPart[] | null, options: ChatOptions, scripted: boolean): Promise<LlmResult> {
    if (this.done) throw new Error(`this conversation is over (${this.turn} turns): start another with this.llm.conversation()`);
    if (this.turn === 0) {
      this.startedAt = performance.now();
      recordSessionStart(this.host.recorder);
      if (this.salt !== undefined && typeof content === 'string') content = `${this.salt}\n${content}`;
    } else if (this.thinkMs > 0 && !(await this.host.pause(this.thinkMs))) throw new StopUser('stopped while thinking between turns');
    let result: LlmResult;
    try {
      result = await this.host.chat({ ...options, messages: [...this.history, { role: 'user', content }], [CONVERSATION_TURN]: this.turn + 1 } as ChatOptions);
    } catch (err) {
      if (err instanceof LlmRequestError) this.settle(err.result as LlmResult, scripted);
      throw err;
    }
    this.settle(result, scripted);
    return result;
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    if (this.turn > 0) recordSessionEnd(this.host.recorder, { completed: true, turns: this.turn, durationMs: performance.now() - this.startedAt });
  }

  private settle(r: LlmResult, scripted: boolean): void {
    this.turn++;
    recordTurn(this.host.recorder, this.turn, r);
    if (r.errorKind === 'aborted') {
      // Cut by the stop (or the caller's signal): the session is over, but neither completed nor broken.
      this.done = true;
      return;
    }
    if (r.error !== undefined) {
      this.done = true;
      recordSessionEnd(this.host.recorder, { completed: false, turns: this.turn - 1, durationMs: performance.now() - this.startedAt });
      return;
    }
    this.history.splice(0, this.history.length, ...r.messages);
    if (scripted && this.turn >= this.plan.turns) {
      this.done = true;
      recordSessionEnd(this.host.recorder, { completed: true, turns: this.turn, durationMs: performance.now() - this.startedAt });
    }
  }
}
