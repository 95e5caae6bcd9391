import type { Message } from 'esbuild';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SCENARIO_FILE } from '../api/files.js';
import { ScenarioError } from '../errors.js';
import { packageRoot } from '../util/package-root.js';
import { SOURCE_DEFINES, sourcePathsPlugin } from './source-paths.js';
import { makeTempDir } from './temp-dirs.js';
import { bundleCacheEnabled, bundleCacheKey, storeBundle, takeCachedBundle } from './bundle-cache.js';

export interface Bundle {
  /** Absolute path of the ESM bundle. */
  path: string;
  /** Removes the bundle's temporary folder. */
  dispose(): void;
  /**
   * sha256 of the source files bundled (npm packages and volley aside), each
   * named by its path relative to the scenario's folder: the same scenario
   * copied elsewhere (or renamed) has the same hash, another file at the same
   * path not.
   */
  sourceHash: string;
}

function sourceHash(inputs: Record<string, unknown>, entry: string): string {
  const hash = createHash('sha256');
  const base = dirname(entry);
  for (const input of Object.keys(inputs).sort()) {
    const abs = resolve(input);
    if (input.includes(':') || abs.split(sep).includes('node_modules') || !existsSync(abs)) continue;
    // The entry file by role, not name: the same scenario saved under another name is the same scenario.
    hash.update(`${abs === entry ? '<scenario>' : relative(base, abs)}\0`).update(readFileSync(abs)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Which esbuild would bundle (its file and mtime): another version may bundle differently. */
function esbuildStamp(): string {
  const main = createRequire(import.meta.url).resolve('esbuild');
  return `${main}@${statSync(main).mtimeMs}`;
}

function formatMessage(m: Message, cwd: string): string {
  const loc = m.location;
  if (!loc) return m.text;
  const where = `${relative(cwd, resolve(cwd, loc.file)) || loc.file}:${loc.line}:${loc.column + 1}`;
  const gutter = String(loc.line).length;
  const caret = ' '.repeat(loc.column) + '^'.repeat(Math.max(1, loc.length));
  return `${where}: ${m.text}\n  ${loc.line} | ${loc.lineText}\n  ${' '.repeat(gutter)} | ${caret}`;
}

/**
 * The tsconfig the bundle is built with: the user's nearest tsconfig.json
 * (its `paths`, `baseUrl`, `jsx`…), extended with the two settings Volley's
 * TC39 decorators need, whatever the user's file says.
 */
function writeTsconfig(dir: string, entry: string): { path: string; user?: string } {
  let user: string | undefined;
  for (let d = dirname(entry); ; d = dirname(d)) {
    if (existsSync(join(d, 'tsconfig.json'))) {
      user = join(d, 'tsconfig.json');
      break;
    }
    if (dirname(d) === d) break;
  }
  const path = join(dir, 'tsconfig.json');
  writeFileSync(path, JSON.stringify({ ...(user && { extends: user }), compilerOptions: { experimentalDecorators: false, useDefineForClassFields: true } }));
  return { path, user };
}

/**
 * Bundles a scenario or config file with esbuild. Relative imports and npm
 * packages are bundled in; 'volley' stays external and points at this running
 * copy of Volley, so the scenario and the runtime share one set of classes.
 * TC39 decorators are compiled here, whatever tsconfig the user's folder has;
 * its other settings (`paths` aliases) apply. ESM and CommonJS scenarios both
 * work, and each file sees its own source location (`__dirname`,
 * `import.meta.url`: source-paths.ts), not the temporary folder.
 */
export async function bundleFile(file: string, kind: 'scenario' | 'config'): Promise<Bundle> {
  const abs = resolve(file);
  if (!existsSync(abs)) {
    throw new ScenarioError(`${kind} file not found: ${file}`, kind === 'scenario' ? missingScenarioHint(abs) : 'check the --config path');
  }
  const { dir, dispose } = makeTempDir();
  const out = join(dir, `${kind}.mjs`);
  const api = pathToFileURL(join(packageRoot(), 'dist', 'index.js')).href;
  const entryUrl = JSON.stringify(pathToFileURL(abs).href);
  // CommonJS code bundled into ESM needs a require; it resolves from the scenario's folder.
  const banner = [`import { createRequire as __volleyCreateRequire } from 'node:module'; const require = __volleyCreateRequire(${entryUrl});`];
  // open() of the public API reads files relative to the scenario.
  if (kind === 'scenario') banner.push(`globalThis[Symbol.for(${JSON.stringify(SCENARIO_FILE.description)})] = ${JSON.stringify(abs)};`);
  const tsconfig = writeTsconfig(dir, abs);
  // An unchanged scenario skips esbuild altogether (bundle-cache.ts).
  const key = bundleCacheEnabled()
    ? bundleCacheKey({ kind, entry: abs, api, banner, tsconfig: tsconfig.user, tsconfigText: tsconfig.user && readFileSync(tsconfig.user, 'utf8'), esbuild: esbuildStamp() })
    : undefined;
  const cached = key === undefined ? undefined : takeCachedBundle(key, out);
  if (cached !== undefined) return { path: out, sourceHash: cached, dispose };
  let hash: string;
  try {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [abs],
      outfile: out,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'silent',
      metafile: true,
      tsconfig: tsconfig.path,
      define: SOURCE_DEFINES,
      banner: { js: banner.join(' ') },
      plugins: [
        {
          name: 'volley-api',
          setup(b) {
            // require('volley') (CommonJS) gets a module that re-exports the one copy of Volley an import gets.
            b.onResolve({ filter: /^volley$/ }, (args) => (args.kind === 'require-call' ? { path: 'volley', namespace: 'volley-cjs' } : { path: api, external: true }));
            b.onLoad({ filter: /.*/, namespace: 'volley-cjs' }, () => ({ contents: `export * from ${JSON.stringify(api)};`, loader: 'js' }));
            b.onResolve({ filter: /^file:/, namespace: 'volley-cjs' }, () => ({ path: api, external: true }));
          },
        },
        sourcePathsPlugin,
      ],
    });
    hash = sourceHash(result.metafile.inputs, abs);
    if (key !== undefined) storeBundle(key, out, result.metafile.inputs, hash);
  } catch (err) {
    dispose();
    const errors = (err as { errors?: Message[] }).errors;
    if (errors?.length) {
      throw new ScenarioError(`${kind} ${file} does not compile:\n${errors.slice(0, 5).map((m) => formatMessage(m, process.cwd())).join('\n')}`, missingPackageHint(errors, abs));
    }
    throw err;
  }
  return { path: out, sourceHash: hash, dispose };
}

/**
 * esbuild's 'Could not resolve "pkg"' for a bare import names no fix: npm
 * packages are looked up from the scenario's folder upward, so the fix is to
 * install them there (docs/own-project.md).
 */
function missingPackageHint(errors: Message[], scenario: string): string | undefined {
  const names = new Set<string>();
  for (const m of errors) {
    const spec = /^Could not resolve "([^"]+)"/.exec(m.text)?.[1];
    if (!spec || spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) continue;
    const parts = spec.split('/');
    names.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
  }
  if (names.size === 0) return undefined;
  const list = [...names].join(' ');
  const where = relative(process.cwd(), dirname(scenario)) || '.';
  return `${names.size === 1 ? 'the package is' : 'the packages are'} not installed where the scenario can see it: run \`npm install ${list}\` in ${where} (or the project folder above it that holds its package.json); see docs/own-project.md`;
}

const SCENARIO_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/**
 * A hint built from what the user gave: the same name with a scenario's
 * extension, else the scenarios in the folder named, else that the folder
 * does not exist. Never a file of Volley's own repository, which a project
 * elsewhere does not have.
 */
export function missingScenarioHint(abs: string): string {
  const dir = dirname(abs);
  const near = SCENARIO_EXTENSIONS.map((ext) => abs + ext).find((p) => existsSync(p));
  if (near) return `did you mean ${relative(process.cwd(), near) || near}?`;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return `the folder ${dir} does not exist: check the path (relative paths are read from ${process.cwd()})`;
  const stem = basename(abs, extname(abs)).toLowerCase();
  const scenarios = readdirSync(dir)
    .filter((f) => SCENARIO_EXTENSIONS.includes(extname(f)) && !f.endsWith('.d.ts') && !f.startsWith('bench.config.'))
    .sort((a, b) => Number(b.toLowerCase().includes(stem)) - Number(a.toLowerCase().includes(stem)) || a.localeCompare(b));
  if (scenarios.length === 0) return `${dir} has no .ts or .js file: give the path of a scenario file`;
  const shown = scenarios.slice(0, 5).map((f) => relative(process.cwd(), join(dir, f)) || f);
  return `${dir} has ${shown.join(', ')}${scenarios.length > shown.length ? ', …' : ''}`;
}
