import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { ChatMessage } from '../api/llm.js';
import { UserError } from '../errors.js';
import { SHAREGPT_ROLES } from './dataset.js';

/** One user turn of a recorded conversation, and the reply the dataset holds for it. */
export interface ScriptedTurn {
  content: ChatMessage['content'];
  /** The dataset's reply to this turn: its length sets the turn's output length. */
  reply?: string;
}

/** A whole conversation of a dataset, played turn by turn: what comes before the first user turn, then the user turns. */
export interface ConversationScript {
  /** System prompt (and any opening assistant line) sent before the first user turn. */
  preamble: ChatMessage[];
  turns: ScriptedTurn[];
}

// Parsed once per worker: every user of the worker shares the scripts.
const cache = new Map<string, ConversationScript[]>();

/**
 * The conversations of a dataset, every turn kept: ShareGPT `.json`
 * (`[{conversations: [{from, value}]}]`) or `.jsonl` lines with `conversations`
 * or OpenAI `messages`. Other formats hold no conversations: a UserError says so.
 */
export function loadConversations(path: string): ConversationScript[] {
  const file = resolve(path);
  let scripts = cache.get(file);
  if (scripts === undefined) {
    scripts = readConversations(file);
    cache.set(file, scripts);
  }
  return scripts;
}

const HINT = 'use a ShareGPT .json (an array of {"conversations": [{"from": "human", "value": …}, {"from": "gpt", …}]}) or a .jsonl of {"messages": [{role, content}, …]} per line';

function readConversations(file: string): ConversationScript[] {
  const ext = extname(file).toLowerCase();
  if (ext !== '.json' && ext !== '.jsonl' && ext !== '.ndjson') {
    throw new UserError(`dataset ${file} holds no conversations: --conversations reads .json (ShareGPT) or .jsonl files`, HINT);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read dataset ${file}: ${(err as Error).message}`, 'set --dataset to an existing file');
  }
  const items: Array<[where: string, value: unknown]> = [];
  if (ext === '.json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new UserError(`dataset ${file} is not valid JSON: ${(err as Error).message}`, 'use .jsonl for one JSON object per line');
    }
    if (!Array.isArray(value)) throw new UserError(`dataset ${file}: expected a JSON array of conversations`, HINT);
    value.forEach((v, i) => items.push([`item ${i}`, v]));
  } else {
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        items.push([`line ${i + 1}`, JSON.parse(line)]);
      } catch (err) {
        items.push([`line ${i + 1}`, new SyntaxError((err as Error).message)]);
      }
    });
  }
  const scripts: ConversationScript[] = [];
  const problems: string[] = [];
  for (const [where, value] of items) {
    const s = toScript(value);
    if (typeof s === 'string') problems.push(`${where}: ${s}`);
    else if (s.turns.length > 0) scripts.push(s);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 5);
    if (problems.length > 5) shown.push(`… and ${problems.length - 5} more`);
    throw new UserError(`invalid conversations in ${file}:\n${shown.map((p) => `  - ${p}`).join('\n')}`, HINT);
  }
  if (scripts.length === 0) throw new UserError(`dataset ${file} has no conversation with a user turn`, HINT);
  return scripts;
}

/** A script, or what is wrong with `value` in a few words. */
function toScript(value: unknown): ConversationScript | string {
  if (value instanceof SyntaxError) return `not JSON (${value.message})`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected an object';
  const v = value as Record<string, unknown>;
  let messages: ChatMessage[];
  if (Array.isArray(v.conversations)) {
    messages = [];
    for (let i = 0; i < v.conversations.length; i++) {
      const t = v.conversations[i] as { from?: unknown; value?: unknown } | null;
      if (!t || typeof t.from !== 'string' || typeof t.value !== 'string') return `conversations[${i}] needs "from" and "value" strings`;
      const role = SHAREGPT_ROLES[t.from.toLowerCase()];
      if (!role) return `conversations[${i}]: unknown speaker "${t.from}"`;
      messages.push({ role, content: t.value });
    }
  } else if (Array.isArray(v.messages)) {
    const bad = v.messages.findIndex((m) => typeof m !== 'object' || m === null || typeof (m as ChatMessage).role !== 'string');
    if (bad >= 0) return `messages[${bad}] needs a "role"`;
    messages = v.messages as ChatMessage[];
  } else return 'no "conversations" or "messages" array';
  return splitTurns(messages);
}

/**
 * Cuts a recorded conversation into user turns: each user message starts a turn
 * (consecutive ones are joined), the assistant messages after it are its reply.
 * Messages before the first user message are the preamble; tool messages are left out.
 */
export function splitTurns(messages: ChatMessage[]): ConversationScript {
  const preamble: ChatMessage[] = [];
  const turns: ScriptedTurn[] = [];
  for (const m of messages) {
    const last = turns[turns.length - 1];
    if (m.role === 'user') {
      if (last !== undefined && last.reply === undefined && typeof last.content === 'string' && typeof m.content === 'string') last.content += '\n' + m.content;
      else turns.push({ content: m.content });
    } else if (m.role === 'assistant') {
      const text = typeof m.content === 'string' ? m.content : '';
      if (last === undefined) preamble.push(m);
      else last.reply = last.reply === undefined ? text : `${last.reply}\n${text}`;
    } else if (m.role === 'system' && turns.length === 0) preamble.push(m);
  }
  return { preamble, turns };
}
