import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../util/atomic-write.js';

/**
 * Bundles of unchanged scenarios and config files, so that a second `bench run`
 * of the same files neither loads esbuild nor starts its process (about a
 * fifth of a small run's start-up; docs/benchmarks.md#start-up).
 *
 * A bundle is reused only when every file that went into it is unchanged:
 * the user's own files by content (an edit within the file system's timestamp
 * granularity still counts), installed packages by size and mtime (an install
 * rewrites them), and each folder that holds a user file by its list of names
 * (a new file could now be what an import resolves to). The key holds what
 * else shapes the output: the entry's path and kind, the user's tsconfig, the
 * esbuild version and this build of Volley. Any failure to read or write the
 * cache only means bundling as before; VOLLEY_BUNDLE_CACHE=0 turns it off.
 */

interface Input {
  path: string;
  /** sha256 of a user file's content. */
  hash?: string;
  /** Size and mtime of a file under node_modules. */
  size?: number;
  mtimeMs?: number;
}

interface Entry {
  inputs: Input[];
  /** Each folder of a user file, with its sorted entry names joined. */
  dirs: Array<{ path: string; names: string }>;
  sourceHash: string;
}

const VERSION = 1;

/** Where the cache lives: one folder per OS user, in the temporary folder. */
export function bundleCacheDir(): string {
  return join(tmpdir(), `volley-bundles-${process.getuid?.() ?? 'user'}`);
}

export function bundleCacheEnabled(): boolean {
  return process.env.VOLLEY_BUNDLE_CACHE !== '0';
}

/**
 * The temp directory is shared: a cache folder someone else made (or can write
 * to) could hand this user code to run. Only our own, private folder is used.
 */
function ownPrivateDir(dir: string): boolean {
  const st = statSync(dir);
  return st.isDirectory() && !st.isSymbolicLink() && (process.getuid === undefined || st.uid === process.getuid()) && (st.mode & 0o022) === 0;
}

const isPackageFile = (abs: string): boolean => abs.split(sep).includes('node_modules');
const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');
const namesOf = (dir: string): string => readdirSync(dir).sort().join('\0');

/** The cache key of one bundling: everything but the input files that shapes its output. */
export function bundleCacheKey(parts: Record<string, unknown>): string {
  // This module's own file stands for this build of Volley (dist/ or, in tests, src/).
  const self = fileURLToPath(import.meta.url);
  return sha256(JSON.stringify({ v: VERSION, self, selfMtime: statSync(self).mtimeMs, ...parts })).slice(0, 32);
}

/**
 * Copies the cached bundle of `key` to `out` when its inputs are unchanged;
 * returns its source hash, or undefined on a miss.
 */
export function takeCachedBundle(key: string, out: string): string | undefined {
  try {
    const dir = bundleCacheDir();
    if (!existsSync(`${join(dir, key)}.json`) || !ownPrivateDir(dir)) return undefined;
    const base = join(dir, key);
    const entry = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as Entry;
    for (const input of entry.inputs) {
      if (input.hash !== undefined) {
        if (sha256(readFileSync(input.path)) !== input.hash) return undefined;
      } else {
        const st = statSync(input.path);
        if (st.size !== input.size || st.mtimeMs !== input.mtimeMs) return undefined;
      }
    }
    for (const d of entry.dirs) if (namesOf(d.path) !== d.names) return undefined;
    copyFileSync(`${base}.mjs`, out);
    return entry.sourceHash;
  } catch {
    return undefined; // a file gone, a cache half written: bundle again
  }
}

/** Keeps the bundle at `out` under `key`, with what it was built from (esbuild's metafile inputs). */
export function storeBundle(key: string, out: string, inputs: Record<string, unknown>, sourceHash: string): void {
  try {
    const entry: Entry = { inputs: [], dirs: [], sourceHash };
    const dirs = new Set<string>();
    for (const input of Object.keys(inputs)) {
      if (input.includes(':')) continue; // esbuild's own namespaces (the 'volley' re-export): no file
      const abs = resolve(input);
      if (isPackageFile(abs)) {
        const st = statSync(abs);
        entry.inputs.push({ path: abs, size: st.size, mtimeMs: st.mtimeMs });
      } else {
        entry.inputs.push({ path: abs, hash: sha256(readFileSync(abs)) });
        dirs.add(dirname(abs));
      }
    }
    for (const d of dirs) entry.dirs.push({ path: d, names: namesOf(d) });
    const dir = bundleCacheDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!ownPrivateDir(dir)) return;
    const base = join(dir, key);
    // The bundle first: an entry is only ever read with its bundle in place.
    writeFileAtomic(`${base}.mjs`, readFileSync(out));
    writeFileAtomic(`${base}.json`, JSON.stringify(entry));
  } catch {
    // Not cached: the next run bundles again.
  }
}
