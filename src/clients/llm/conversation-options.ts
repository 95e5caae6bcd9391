import type { LLMUser } from '../../api/llm.js';
import { UserError } from '../../errors.js';
import { loadConversations, type ConversationScript } from '../../workload/conversation.js';
import type { WarnOnce } from '../context.js';

/**
 * The run options of conversations and prefix caches (docs/llm.md), as one
 * client reads them: --conversations, --turns, --turn-think, --prefix-pool,
 * --warm-cache and the run's prefix salt (set by the main thread, config/prefix-salt.ts).
 */
export interface ConversationRunOptions {
  /** Plain chat() calls play conversations (--conversations or --turns). */
  play: boolean;
  /** Conversations come from the dataset (--conversations), not from the traffic. */
  fromDataset: boolean;
  /** Most turns per conversation (--turns). */
  turns: number | undefined;
  /** Pause before each turn after the first (--turn-think), ms. */
  thinkMs: number;
  /** Shared prefixes drawn from (--prefix-pool; 1 without it). */
  prefixPool: number;
  /** The run's salt on every shared prefix and conversation; undefined with --warm-cache. */
  salt: string | undefined;
}

export function conversationRunOptions(options: Record<string, unknown>, user: LLMUser): ConversationRunOptions {
  const fromDataset = options.conversations === true;
  const turns = typeof options.turns === 'number' ? options.turns : undefined;
  const prefixPool = typeof options.prefixPool === 'number' ? options.prefixPool : 1;
  const prefixLen = (options.prefixLen as number | undefined) ?? user.prefixLen;
  if (prefixPool > 1 && !(prefixLen > 0)) {
    throw new UserError(`--prefix-pool ${prefixPool} needs a prefix length`, 'add --prefix-len <tokens> (or set prefixLen on the user class), e.g. --prefix-pool 8 --prefix-len 512');
  }
  // A dataset without conversations is an error now, before any user starts.
  if (fromDataset) conversationScripts((options.dataset as string | undefined) ?? user.dataset);
  const salt = options.warmCache === true || typeof options.prefixSalt !== 'string' ? undefined : options.prefixSalt;
  return { play: fromDataset || turns !== undefined, fromDataset, turns, thinkMs: typeof options.turnThink === 'number' ? options.turnThink : 0, prefixPool, salt };
}

/** The dataset's conversations; a UserError when no dataset is set (the bundled sonnets hold none). */
export function conversationScripts(dataset: string | undefined): ConversationScript[] {
  if (dataset === undefined) {
    throw new UserError('conversations need a dataset of conversations, and none is set', 'pass --dataset conversations.json (ShareGPT) or .jsonl (OpenAI messages), or set `dataset` on the user class');
  }
  return loadConversations(dataset);
}

/**
 * `dataset` traffic on a file of whole conversations sends only each one's first
 * user turn: say once how to play them whole (--conversations), rather than
 * guessing and changing what `dataset` traffic has always sent.
 */
export function hintConversations(dataset: string | undefined, traffic: string, run: ConversationRunOptions, warn: WarnOnce): void {
  if (run.play || traffic.trim() !== 'dataset' || dataset === undefined || !/\.(json|jsonl|ndjson)$/i.test(dataset)) return;
  let scripts: ConversationScript[];
  try {
    scripts = loadConversations(dataset);
  } catch {
    return; // not conversations: nothing to say
  }
  const multi = scripts.filter((s) => s.turns.length > 1).length;
  if (multi === 0) return;
  warn(
    'llm.conversations_hint',
    `volley: ${dataset} holds ${multi} conversations of several turns; \`dataset\` traffic sends the first turn of each. ` +
      'Pass --conversations to play them turn by turn, the history growing (docs/llm.md#conversations). (shown once per worker)',
  );
}
