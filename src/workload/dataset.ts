import { parse as parseCsv } from 'csv-parse/sync';
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { packageRoot } from '../util/package-root.js';
import type { ChatMessage } from '../api/llm.js';

/** One prompt of a dataset: plain text or a chat, and optionally the reference answer. */
export interface DatasetRecord {
  prompt?: string;
  messages?: ChatMessage[];
  /** The reference reply (ShareGPT's next `gpt` turn, JSONL `completion`); sets the output length of `dataset` traffic. */
  completion?: string;
}

export type DatasetFormat = 'text' | 'jsonl' | 'csv' | 'json';

export interface Dataset {
  path: string;
  format: DatasetFormat;
  /** Prompts used as they are by `dataset` traffic. */
  records: DatasetRecord[];
  /**
   * The text, ending with '\n', that token-shaped traffic (D, N, U, E) cuts prompts from:
   * all of it, or windows spread over the whole dataset past MAX_CORPUS_CHARS. Read on first use.
   */
  readonly corpus: string;
}

export interface DatasetOptions {
  /** CSV column holding the prompt (default 'prompt'). */
  column?: string;
}

let defaultPath: string | undefined;

/** The package's own datasets/sonnet.txt, whether we run from src/ or dist/. */
export function defaultDatasetPath(): string {
  // Asked for on every LLM request (its prompt's dataset): joined once, not per request.
  return (defaultPath ??= join(packageRoot(), 'datasets', 'sonnet.txt'));
}

// Datasets are read and parsed once per worker: every user of the worker shares them.
// By file, then by column: looked up on every request, so without building a key string each time.
const cache = new Map<string, Map<string, Dataset>>();

/**
 * Loads a dataset by file extension: `.jsonl`/`.ndjson` (a `prompt` or `messages`
 * field per line), `.csv` (one column), `.json` (ShareGPT `conversations`, or an
 * array of `prompt`/`messages` objects), anything else as plain text.
 * A relative path is resolved from the current directory.
 */
export function loadDataset(path: string | undefined, options: DatasetOptions = {}): Dataset {
  const file = path ? resolve(path) : defaultDatasetPath();
  let byColumn = cache.get(file);
  if (byColumn === undefined) cache.set(file, (byColumn = new Map()));
  const column = options.column ?? '';
  let ds = byColumn.get(column);
  if (ds === undefined) {
    ds = readDataset(file, options);
    byColumn.set(column, ds);
  }
  return ds;
}

/**
 * Most characters of a dataset that token-shaped traffic tokenizes per worker
 * (tiktoken takes seconds per few MiB, and the tokens stay in memory). A larger
 * dataset gives CORPUS_WINDOWS windows spread evenly over the whole file, so
 * prompts come from all of it, not from its first 8 Mi characters.
 */
export const MAX_CORPUS_CHARS = 8 * 1024 * 1024;
/** Windows a large dataset's corpus is taken in, evenly spaced from its start to its end. */
export const CORPUS_WINDOWS = 64;

function readDataset(file: string, options: DatasetOptions): Dataset {
  const ext = extname(file).toLowerCase();
  const format: DatasetFormat = ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : ext === '.csv' ? 'csv' : ext === '.json' ? 'json' : 'text';
  if (format === 'text' && fileSize(file) > MAX_CORPUS_CHARS) return largeTextDataset(file);
  const text = readText(file);
  const records =
    format === 'jsonl'
      ? parseJsonl(file, text)
      : format === 'csv'
        ? parseCsvColumn(file, text, options.column ?? 'prompt').map((prompt) => ({ prompt }))
        : format === 'json'
          ? parseJsonArray(file, text)
          : parseText(text);
  if (records.length === 0) throw noPrompts(file);
  let corpus: string | undefined;
  return {
    path: file,
    format,
    records,
    // Built on first use: `dataset` traffic never needs it.
    get corpus() {
      return (corpus ??= withNewline(format === 'text' ? text : sampleRecords(records)));
    },
  };
}

function readText(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw cannotRead(file, err);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch (err) {
    throw cannotRead(file, err);
  }
}

const cannotRead = (file: string, err: unknown) =>
  new UserError(`cannot read dataset ${file}: ${(err as Error).message}`, 'set `dataset` on the user class (or --dataset) to an existing file');
const noPrompts = (file: string) => new UserError(`dataset ${file} has no prompts`, 'add prompts to the file, or set `dataset` on the user class to another file');
const withNewline = (text: string) => (text.endsWith('\n') ? text : text + '\n');

/**
 * A text file past MAX_CORPUS_CHARS: its corpus is read in windows at offsets
 * spread over the file (fs.readSync), never as one string; its paragraphs, for
 * `dataset` traffic, only when asked for.
 */
function largeTextDataset(file: string): Dataset {
  let corpus: string | undefined;
  let records: DatasetRecord[] | undefined;
  return {
    path: file,
    format: 'text',
    get records() {
      if (records === undefined) {
        records = parseText(readText(file));
        if (records.length === 0) throw noPrompts(file);
      }
      return records;
    },
    get corpus() {
      if (corpus === undefined) {
        corpus = readWindows(file);
        if (corpus.trim() === '') throw noPrompts(file);
      }
      return corpus;
    },
  };
}

/** CORPUS_WINDOWS windows of whole lines, evenly spaced over the file, together at most MAX_CORPUS_CHARS. */
function readWindows(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const windowChars = Math.floor(MAX_CORPUS_CHARS / CORPUS_WINDOWS);
    // UTF-8 takes up to 4 bytes a character; the slack lets a window start after a partial line.
    const buf = Buffer.alloc(windowChars + 64 * 1024);
    const parts: string[] = [];
    for (let i = 0; i < CORPUS_WINDOWS; i++) {
      const offset = Math.floor((i * size) / CORPUS_WINDOWS);
      const n = readSync(fd, buf, 0, buf.length, offset);
      let text = buf.toString('utf8', 0, n);
      if (offset === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      // Start at a line start (the bytes before may be half a line, or half a character) and end at a line end.
      const from = offset === 0 ? 0 : text.indexOf('\n') + 1;
      if (from === 0 && offset > 0) continue;
      const limit = Math.min(text.length, from + windowChars);
      const end = limit === text.length && offset + n >= size ? limit : text.lastIndexOf('\n', limit - 1) + 1;
      if (end > from) parts.push(withNewline(text.slice(from, end)));
    }
    return parts.join('');
  } finally {
    closeSync(fd);
  }
}

/**
 * The corpus of a records dataset: every record's text, or, past MAX_CORPUS_CHARS,
 * runs of consecutive records from CORPUS_WINDOWS points spread over the dataset.
 */
function sampleRecords(records: DatasetRecord[]): string {
  let total = 0;
  for (const r of records) total += recordText(r).length + 1;
  if (total <= MAX_CORPUS_CHARS) return records.map(recordText).join('\n');
  const windowChars = Math.floor(MAX_CORPUS_CHARS / CORPUS_WINDOWS);
  const parts: string[] = [];
  let last = -1;
  for (let w = 0; w < CORPUS_WINDOWS; w++) {
    let chars = 0;
    for (let i = Math.max(last + 1, Math.floor((w * records.length) / CORPUS_WINDOWS)); i < records.length && chars < windowChars; i++) {
      const t = recordText(records[i]!).slice(0, windowChars - chars);
      parts.push(t);
      chars += t.length + 1;
      last = i;
    }
  }
  return parts.join('\n');
}

/** The text a record contributes to the corpus: its prompt, or its messages' text parts. */
export function recordText(r: DatasetRecord): string {
  if (r.prompt !== undefined) return r.prompt;
  const parts: string[] = [];
  for (const m of r.messages ?? []) {
    if (typeof m.content === 'string') parts.push(m.content);
    else if (Array.isArray(m.content)) for (const p of m.content) if (p.type === 'text' && typeof p.text === 'string') parts.push(p.text);
  }
  return parts.join('\n');
}

/** A text file's prompts for `dataset` traffic are its paragraphs (blocks between blank lines). */
function parseText(text: string): DatasetRecord[] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((prompt) => ({ prompt }));
}

const MAX_PROBLEMS = 5;

function parseJsonl(file: string, text: string): DatasetRecord[] {
  const records: DatasetRecord[] = [];
  const problems: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      problems.push(`line ${i + 1}: not JSON (${(err as Error).message})`);
      continue;
    }
    const r = toRecord(value);
    if (typeof r === 'string') problems.push(`line ${i + 1}: ${r}`);
    else records.push(r);
  }
  if (problems.length) throw datasetProblems(file, problems);
  return records;
}

function parseJsonArray(file: string, text: string): DatasetRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError(`dataset ${file} is not valid JSON: ${(err as Error).message}`, 'use .jsonl for one JSON object per line');
  }
  if (!Array.isArray(value)) throw new UserError(`dataset ${file}: expected a JSON array of conversations or prompts`);
  const records: DatasetRecord[] = [];
  const problems: string[] = [];
  let noHumanTurn = 0;
  value.forEach((item, i) => {
    const r = toRecord(item);
    // ShareGPT dumps hold some conversations without a human turn: those alone are skipped.
    if (r === NO_HUMAN_TURN) noHumanTurn++;
    else if (typeof r === 'string') problems.push(`item ${i}: ${r}`);
    else records.push(r);
  });
  if (problems.length) throw datasetProblems(file, problems);
  if (records.length === 0 && noHumanTurn > 0) {
    throw new UserError(
      `dataset ${file} has no prompts: none of its ${noHumanTurn} conversations has a human turn`,
      'each ShareGPT conversation needs a turn from "human" (or "user"); it and the turns before it are the prompt',
    );
  }
  return records;
}

function datasetProblems(file: string, problems: string[]): UserError {
  const shown = problems.slice(0, MAX_PROBLEMS);
  if (problems.length > MAX_PROBLEMS) shown.push(`… and ${problems.length - MAX_PROBLEMS} more`);
  return new UserError(
    `invalid dataset ${file}:\n${shown.map((p) => `  - ${p}`).join('\n')}`,
    'each entry needs a "prompt" string, a "messages" array of {role, content}, or ShareGPT "conversations" of {from, value}',
  );
}

/** ShareGPT speakers and the chat roles they stand for (also read by conversation.ts). */
export const SHAREGPT_ROLES: Record<string, string> = {
  human: 'user',
  user: 'user',
  gpt: 'assistant',
  assistant: 'assistant',
  chatgpt: 'assistant',
  bard: 'assistant',
  model: 'assistant',
  system: 'system',
};

/** What toRecord returns for a ShareGPT conversation with no human turn: a .json dataset skips it. */
const NO_HUMAN_TURN = 'no human turn in the conversation';

/** A record, or the problem with `value` in a few words. */
function toRecord(value: unknown): DatasetRecord | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `expected an object, got ${brief(value)}`;
  const v = value as Record<string, unknown>;
  const completion = typeof v.completion === 'string' ? v.completion : undefined;
  if (typeof v.prompt === 'string') return { prompt: v.prompt, completion };
  if (v.prompt !== undefined) return `"prompt" is not a string (got ${brief(v.prompt)})`;
  if (v.messages !== undefined && !Array.isArray(v.messages)) return `"messages" is not an array (got ${brief(v.messages)})`;
  if (v.conversations !== undefined && !Array.isArray(v.conversations)) return `"conversations" is not an array (got ${brief(v.conversations)})`;
  if (Array.isArray(v.messages)) {
    const bad = v.messages.findIndex((m) => typeof m !== 'object' || m === null || typeof (m as ChatMessage).role !== 'string');
    if (bad >= 0) return `messages[${bad}] needs a "role"`;
    return { messages: v.messages as ChatMessage[], completion };
  }
  if (Array.isArray(v.conversations)) return fromShareGpt(v.conversations);
  return 'no "prompt", "messages" or "conversations" field';
}

/** The conversation up to its first human turn is the prompt; the next turn is the reference reply. */
function fromShareGpt(turns: unknown[]): DatasetRecord | string {
  const messages: ChatMessage[] = [];
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i] as { from?: unknown; value?: unknown } | null;
    if (!t || typeof t.from !== 'string' || typeof t.value !== 'string') return `conversations[${i}] needs "from" and "value" strings`;
    const role = SHAREGPT_ROLES[t.from.toLowerCase()];
    if (!role) return `conversations[${i}]: unknown speaker "${t.from}"`;
    messages.push({ role, content: t.value });
    if (role === 'user') {
      const next = turns[i + 1] as { value?: unknown } | undefined;
      return { messages, completion: typeof next?.value === 'string' ? next.value : undefined };
    }
  }
  return NO_HUMAN_TURN;
}

/** A short rendering of a bad value for a message: `5`, `null`, `an object`, `an array`. */
function brief(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 40 ? `${json.slice(0, 40)}…` : json;
}

/** Reads one column of a CSV file with csv-parse (quoted fields, newlines in quotes, CRLF, BOM). */
export function parseCsvColumn(file: string, text: string, column: string): string[] {
  let rows: string[][];
  try {
    rows = parseCsv(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (err) {
    throw new UserError(`dataset ${file} is not valid CSV: ${(err as Error).message}`);
  }
  const header = rows.shift();
  if (!header) throw new UserError(`dataset ${file} is empty`);
  const index = header.indexOf(column);
  if (index < 0) {
    throw new UserError(
      `dataset ${file} has no column "${column}" (columns: ${header.map((h) => JSON.stringify(h)).join(', ')})`,
      'set `datasetColumn` on the user class to the column that holds the prompts',
    );
  }
  const out: string[] = [];
  for (const row of rows) {
    const cell = row[index];
    if (cell !== undefined && cell.trim() !== '') out.push(cell);
  }
  return out;
}
