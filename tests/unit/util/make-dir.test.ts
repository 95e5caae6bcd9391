import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDir } from '../../../src/util/make-dir.js';

const codeOf = (f: () => void): string | undefined => {
  try {
    f();
  } catch (err) {
    return (err as NodeJS.ErrnoException).code;
  }
  return undefined;
};

describe('makeDir', () => {
  it('makes every missing folder, and is content when they exist', () => {
    const base = mkdtempSync(join(tmpdir(), 'volley-mkdir-'));
    makeDir(join(base, 'a', 'b', 'c'));
    expect(statSync(join(base, 'a', 'b', 'c')).isDirectory()).toBe(true);
    makeDir(join(base, 'a', 'b', 'c'));
  });

  it('a file in the way is ENOTDIR', () => {
    const base = mkdtempSync(join(tmpdir(), 'volley-mkdir-'));
    writeFileSync(join(base, 'f'), '');
    expect(codeOf(() => makeDir(join(base, 'f', 'sub')))).toBe('ENOTDIR');
  });

  // Node's recursive mkdir loops for ever here (100 % CPU, Ctrl-C ignored).
  it.skipIf(!existsSync('/proc/self'))(`a folder that cannot hold one (/proc) fails at once${existsSync('/proc/self') ? '' : ' (skipped: no /proc on this system)'}`, () => {
    expect(codeOf(() => makeDir('/proc/volley-results/run1'))).toBe('ENOENT');
  });
});
