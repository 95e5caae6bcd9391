/**
 * npm 11 blocks the install scripts of dependencies that package.json's
 * `allowScripts` does not cover, and warns about each on every `npm ci`.
 * Every installed package with one must be decided there (esbuild's
 * postinstall only checks the binary that @esbuild/<platform> already brings).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/bench-process.js';

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

/** Names of the installed packages (nested ones too) that have an install script. */
function withInstallScripts(dir: string, found = new Set<string>()): Set<string> {
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      withInstallScripts(join(dir, entry), found);
      continue;
    }
    const pkgFile = join(dir, entry, 'package.json');
    if (existsSync(pkgFile)) {
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { name?: string; scripts?: Record<string, string> };
      if (pkg.name && INSTALL_SCRIPTS.some((s) => pkg.scripts?.[s])) found.add(pkg.name);
    }
    withInstallScripts(join(dir, entry, 'node_modules'), found);
  }
  return found;
}

describe('install scripts', () => {
  it('every dependency with an install script is decided in allowScripts, so npm ci does not warn', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    const decided = new Set(Object.keys(pkg.allowScripts ?? {}).map((k) => k.replace(/(.)@.*$/, '$1')));
    const undecided = [...withInstallScripts(join(ROOT, 'node_modules'))].filter((n) => !decided.has(n));
    expect(undecided).toEqual([]);
  });
});
