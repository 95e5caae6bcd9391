import { isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorCount } from '../metrics/summary-types.js';
import { packageRoot } from '../util/package-root.js';

/** Stack frames kept per error kind in summary.json: enough to see the call path, not a wall of text. */
export const MAX_TASK_FRAMES = 5;

/**
 * Turns on Node's source-map support for stack traces in this thread: the
 * scenario bundle carries an inline source map (compile/bundle.ts), so a
 * task's exception points at the scenario's own .ts file and line. Called
 * before the bundle is imported; stacks are mapped only when read.
 */
export function enableScenarioSourceMaps(): void {
  process.setSourceMapsEnabled(true);
}

/** A task's exception as it is recorded: its message, and where in the scenario it was thrown. */
export interface TaskErrorInfo extends Pick<ErrorCount, 'location' | 'frames'> {
  message: string;
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/**
 * The message of a task's exception, the first of its stack frames that are
 * in the scenario's own files (neither Volley's nor node_modules' nor Node's),
 * and the first of those as `file:line` relative to the working folder.
 */
export function describeTaskError(err: unknown): TaskErrorInfo {
  const message = messageOf(err);
  const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack : undefined;
  if (stack === undefined) return { message };
  const frames: string[] = [];
  let location: string | undefined;
  for (const line of stack.split('\n')) {
    const frame = parseFrame(line);
    if (frame === undefined || !isScenarioFile(frame.file)) continue;
    const where = `${shortPath(frame.file)}:${frame.line}`;
    location ??= where;
    frames.push(frame.fn ? `${frame.fn} (${where}:${frame.column})` : `${where}:${frame.column}`);
    if (frames.length >= MAX_TASK_FRAMES) break;
  }
  return location === undefined ? { message } : { message, location, frames };
}

interface Frame {
  fn?: string;
  file: string;
  line: number;
  column: number;
}

/** V8's `    at fn (file:line:col)` or `    at file:line:col`; file may be a file:// URL. */
const FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

function parseFrame(line: string): Frame | undefined {
  const m = FRAME.exec(line);
  if (!m) return undefined;
  let file = m[2]!;
  if (file.startsWith('async ')) file = file.slice(6);
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  if (!isAbsolute(file)) return undefined;
  const fn = m[1]?.replace(/^async /, '');
  return { fn: fn || undefined, file, line: Number(m[3]), column: Number(m[4]) };
}

let ownDirs: string[] | undefined;

/** Not Volley's own code (src/, dist/), not a package's, not the bundle itself (when it has no source map). */
function isScenarioFile(file: string): boolean {
  ownDirs ??= [join(packageRoot(), 'src') + sep, join(packageRoot(), 'dist') + sep];
  if (ownDirs.some((d) => file.startsWith(d))) return false;
  if (file.includes(`${sep}node_modules${sep}`)) return false;
  return !/[\\/]volley-[^\\/]+[\\/](scenario|config)\.mjs$/.test(file);
}

function shortPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
