import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleFile } from '../../../src/compile/bundle.js';
import { bundleCacheDir } from '../../../src/compile/bundle-cache.js';

// The cache is observed through its files: a marker written into the cached
// bundle shows in the next bundle only when that one came from the cache.
const MARKER = '/* served from the bundle cache */';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'volley-cache-test-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Marks the cached bundle of `scenario` (found by its inputs); fails when there is none. */
function markCached(scenario: string): void {
  const dir = bundleCacheDir();
  const entry = readdirSync(dir).find((n) => n.endsWith('.json') && readFileSync(join(dir, n), 'utf8').includes(JSON.stringify(scenario)));
  expect(entry, 'a cache entry for the scenario').toBeDefined();
  const bundle = join(dir, entry!.replace(/\.json$/, '.mjs'));
  writeFileSync(bundle, MARKER + readFileSync(bundle, 'utf8'));
}

async function bundleText(scenario: string): Promise<string> {
  const b = await bundleFile(scenario, 'scenario');
  try {
    return readFileSync(b.path, 'utf8');
  } finally {
    b.dispose();
  }
}

const env = process.env.VOLLEY_BUNDLE_CACHE;
afterEach(() => {
  if (env === undefined) delete process.env.VOLLEY_BUNDLE_CACHE;
  else process.env.VOLLEY_BUNDLE_CACHE = env;
});

describe('the bundle cache', () => {
  it('serves an unchanged scenario again, with the same source hash', async () => {
    const dir = project({ 'load.ts': "import { word } from './word';\nexport const said = word;\n", 'word.ts': "export const word = 'alpha';\n" });
    const scenario = join(dir, 'load.ts');
    const first = await bundleFile(scenario, 'scenario');
    first.dispose();
    markCached(scenario);
    const second = await bundleFile(scenario, 'scenario');
    expect(readFileSync(second.path, 'utf8')).toContain(MARKER);
    expect(second.sourceHash).toBe(first.sourceHash);
    second.dispose();
  });

  it('bundles again when an imported file changes, even to the same size', async () => {
    const dir = project({ 'load.ts': "import { word } from './word';\nexport const said = word;\n", 'word.ts': "export const word = 'alpha';\n" });
    const scenario = join(dir, 'load.ts');
    await bundleText(scenario);
    markCached(scenario);
    writeFileSync(join(dir, 'word.ts'), "export const word = 'omega';\n");
    const text = await bundleText(scenario);
    expect(text).not.toContain(MARKER);
    expect(text).toContain('omega');
  });

  it('bundles again when a new file could change what an import resolves to', async () => {
    const dir = project({ 'load.ts': "import { word } from './word';\nexport const said = word;\n", 'word.js': "export const word = 'from js';\n" });
    const scenario = join(dir, 'load.ts');
    expect(await bundleText(scenario)).toContain('from js');
    markCached(scenario);
    // esbuild prefers word.ts to word.js: the import now means another file.
    writeFileSync(join(dir, 'word.ts'), "export const word = 'from ts';\n");
    const text = await bundleText(scenario);
    expect(text).not.toContain(MARKER);
    expect(text).toContain('from ts');
  });

  it('is off with VOLLEY_BUNDLE_CACHE=0', async () => {
    const dir = project({ 'load.ts': 'export const n = 1;\n' });
    const scenario = join(dir, 'load.ts');
    await bundleText(scenario);
    markCached(scenario);
    process.env.VOLLEY_BUNDLE_CACHE = '0';
    expect(await bundleText(scenario)).not.toContain(MARKER);
  });
});

describe('the bundle cache folder', () => {
  it('is not used when others can write to it', async () => {
    const dir = project({ 'load.ts': 'export const n = 2;\n' });
    const scenario = join(dir, 'load.ts');
    await bundleText(scenario);
    markCached(scenario);
    const cache = bundleCacheDir();
    const mode = statSync(cache).mode & 0o777;
    chmodSync(cache, 0o777);
    try {
      expect(await bundleText(scenario)).not.toContain(MARKER);
    } finally {
      chmodSync(cache, mode);
    }
  });
});
