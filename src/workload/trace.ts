import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { ChatMessage } from '../api/llm.js';
import type { TraceRecord } from '../api/trace.js';

export type { TraceRecord };

/**
 * A timestamped request trace (docs/llm.md#trace-replay), one JSON object a line:
 *
 * - Mooncake: `{"timestamp": 27482, "input_length": 6955, "output_length": 52, "hash_ids": [46, 47, …]}`,
 *   `timestamp` in milliseconds; equal hash ids are equal blocks of prompt text (a shared prefix).
 * - plain: `{"timestamp": 1200, "prompt": "…", "max_tokens": 128}` or `"messages": [...]`.
 *
 * Time: `timestamp` is milliseconds (as Mooncake's), `time` is seconds; a line
 * has one of them. Arrivals count from the earliest record; records are
 * replayed in time order (a stable sort, so equal times keep the file's order).
 */

export interface Trace {
  path: string;
  records: TraceRecord[];
  /** Milliseconds from the first record to the last, before --trace-speed. */
  spanMs: number;
}

const cache = new Map<string, Trace>();

/** Loads a trace once per thread (the main thread plans arrivals; each worker reads the records it is dealt). */
export function loadTrace(path: string): Trace {
  const abs = resolve(path);
  let t = cache.get(abs);
  if (!t) {
    t = parseTrace(abs, readTraceFile(abs, path));
    cache.set(abs, t);
  }
  return t;
}

function readTraceFile(abs: string, given: string): string {
  try {
    return readFileSync(abs, 'utf8');
  } catch (err) {
    throw new UserError(`--trace ${given}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'give the path of a JSONL trace file');
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Parses trace text; every bad line is a UserError naming file:line and what was expected. */
export function parseTrace(path: string, text: string): Trace {
  const records: Array<Mutable<TraceRecord>> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const where = `${path}:${i + 1}`;
    const bad = (what: string): never => {
      throw new UserError(`--trace ${where}: ${what}`, 'each line is {"timestamp": ms, "input_length", "output_length", "hash_ids"} (Mooncake) or {"timestamp": ms | "time": s, "prompt" | "messages", "max_tokens"} (docs/llm.md#trace-replay)');
    };
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(raw) as Record<string, unknown>;
    } catch (err) {
      return bad(`not JSON (${(err as Error).message})`);
    }
    if (o === null || typeof o !== 'object' || Array.isArray(o)) bad('expected a JSON object');
    let atMs: number;
    if (o.timestamp !== undefined) {
      if (typeof o.timestamp !== 'number' || !Number.isFinite(o.timestamp) || o.timestamp < 0) bad(`timestamp: expected milliseconds >= 0, got ${JSON.stringify(o.timestamp)}`);
      atMs = o.timestamp as number;
    } else if (o.time !== undefined) {
      if (typeof o.time !== 'number' || !Number.isFinite(o.time) || o.time < 0) bad(`time: expected seconds >= 0, got ${JSON.stringify(o.time)}`);
      atMs = (o.time as number) * 1000;
    } else return bad('no timestamp (milliseconds) or time (seconds)');
    const rec: Mutable<TraceRecord> = { index: 0, line: i + 1, offsetMs: atMs };
    if (o.input_length !== undefined) {
      if (!isCount(o.input_length) || o.input_length === 0) bad(`input_length: expected a token count > 0, got ${JSON.stringify(o.input_length)}`);
      rec.inputTokens = o.input_length as number;
    }
    const out = o.output_length ?? o.max_tokens;
    if (out !== undefined) {
      if (!isCount(out) || out === 0) bad(`${o.output_length !== undefined ? 'output_length' : 'max_tokens'}: expected a token count > 0, got ${JSON.stringify(out)}`);
      rec.outputTokens = out as number;
    }
    if (o.hash_ids !== undefined) {
      if (!Array.isArray(o.hash_ids) || !o.hash_ids.every(isCount)) bad(`hash_ids: expected a list of whole numbers, got ${JSON.stringify(o.hash_ids).slice(0, 80)}`);
      rec.hashIds = o.hash_ids as number[];
    }
    if (o.prompt !== undefined) {
      if (typeof o.prompt !== 'string') bad(`prompt: expected a string, got ${typeof o.prompt}`);
      rec.prompt = o.prompt as string;
    }
    if (o.messages !== undefined) {
      if (!Array.isArray(o.messages) || !o.messages.every((m) => m && typeof m === 'object' && typeof (m as ChatMessage).role === 'string')) {
        bad('messages: expected a list of {role, content}');
      }
      rec.messages = o.messages as ChatMessage[];
    }
    if (rec.prompt === undefined && rec.messages === undefined && rec.inputTokens === undefined) bad('no prompt, messages or input_length: nothing to send');
    records.push(rec);
  }
  if (records.length === 0) throw new UserError(`--trace ${path}: no records`, 'a trace has one JSON object a line');
  // Stable: Array.prototype.sort is stable, so records at one time keep the file's order.
  records.sort((a, b) => a.offsetMs - b.offsetMs);
  const first = records[0]!.offsetMs;
  for (let k = 0; k < records.length; k++) {
    records[k]!.index = k;
    records[k]!.offsetMs -= first;
  }
  return { path, records, spanMs: records[records.length - 1]!.offsetMs };
}

/** The arrival times of a trace in ms from the replay's start at `speed` (2: twice as fast). */
export function traceArrivalTimes(trace: Trace, speed = 1): Float64Array {
  const out = new Float64Array(trace.records.length);
  for (let k = 0; k < out.length; k++) out[k] = trace.records[k]!.offsetMs / speed;
  return out;
}
