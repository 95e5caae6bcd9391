import { renameSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { makeDir } from './make-dir.js';

/** Writes a file so readers see either the old or the whole new content: temp file, then rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  makeDir(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
