import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Where the bundle records the scenario's own path (set by its first line, see src/compile/bundle.ts). */
export const SCENARIO_FILE = Symbol.for('volley.scenarioFile');

/**
 * The folder of the scenario file being run, as written (not the temporary
 * folder its bundle runs from). The current folder when no scenario is loaded.
 * @example
 * const users = JSON.parse(readFileSync(join(scenarioDir(), 'users.json'), 'utf8'));
 */
export function scenarioDir(): string {
  const file = (globalThis as Record<symbol, unknown>)[SCENARIO_FILE];
  return typeof file === 'string' ? dirname(file) : process.cwd();
}

/**
 * Reads a file next to the scenario, as k6's `open()` does: a relative path
 * is resolved against the scenario's folder, whatever the current folder is.
 * Text (UTF-8) by default; `'b'` gives the bytes. Call it in the top-level
 * code or in `setup()`, once, rather than in a task.
 * @example
 * const csv = open('data/users.csv');        // next to the scenario
 * const logo = open('logo.png', 'b');        // a Buffer
 */
export function open(path: string): string;
export function open(path: string, mode: 'b'): Buffer;
export function open(path: string, mode?: 'b'): string | Buffer {
  const abs = resolve(scenarioDir(), path);
  return mode === 'b' ? readFileSync(abs) : readFileSync(abs, 'utf8');
}
