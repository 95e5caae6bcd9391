import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * mkdir -p without Node's recursive mkdir, which loops for ever, at 100 % CPU
 * and deaf to Ctrl-C, under a folder that cannot hold one (procfs: /proc/x
 * answers ENOENT while /proc exists). Finds the nearest folder that exists,
 * then makes each missing one in turn: any refusal is thrown at once, with
 * its code (ENOTDIR when a file is in the way, ENOENT, EACCES, EROFS…).
 */
export function makeDir(path: string): void {
  const missing: string[] = [];
  let p = resolve(path);
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      missing.push(p);
      const parent = dirname(p);
      if (parent === p) throw err;
      p = parent;
      continue;
    }
    if (!isDir) throw Object.assign(new Error(`ENOTDIR: ${p} is a file, not a folder`), { code: 'ENOTDIR', path: p });
    break;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
