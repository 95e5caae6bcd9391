import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Temporary folders of scenario bundles. Each holds an `owner.pid` file; they
 * are removed when the process exits (a second Ctrl-C included), and folders
 * left by a process that is gone (SIGKILL, a crash) are removed at the next
 * start of any Volley process.
 */
const PREFIX = 'volley-';
const OWNER_FILE = 'owner.pid';
const BUNDLE_DIR = /^volley-[A-Za-z0-9]{6}$/;
const live = new Set<string>();
let swept = false;

function removeLive(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is someone else's.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes bundle folders whose owning process is gone. Only folders with our owner file are touched. */
export function sweepStaleTempDirs(root = tmpdir()): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return 0;
  }
  for (const name of names) {
    // mkdtemp's names only (the prefix and six characters): a temp folder full of other
    // volley-… folders (test runs, reports) is not opened one by one at every start.
    if (!BUNDLE_DIR.test(name)) continue;
    const dir = join(root, name);
    let pid: number;
    try {
      pid = Number(readFileSync(join(dir, OWNER_FILE), 'utf8').trim());
    } catch {
      continue; // not a bundle folder of ours (or not one that says whose it is)
    }
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    rmSync(dir, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** A new bundle folder owned by this process; removed on exit, or by the next start if this process is killed. */
export function makeTempDir(): { dir: string; dispose(): void } {
  if (!swept) {
    swept = true;
    sweepStaleTempDirs();
    process.once('exit', removeLive);
  }
  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  live.add(dir);
  return {
    dir,
    dispose: () => {
      live.delete(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
