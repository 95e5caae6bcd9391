import { build, type Message } from 'esbuild';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ScenarioError } from '../errors.js';
import { packageRoot } from '../util/package-root.js';

export interface Bundle {
  /** Absolute path of the ESM bundle. */
  path: string;
  /** Removes the bundle's temporary folder. */
  dispose(): void;
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
 * Bundles a scenario or config file with esbuild. Relative imports and npm
 * packages are bundled in; 'volley' stays external and points at this running
 * copy of Volley, so the scenario and the runtime share one set of classes.
 * TC39 decorators are compiled here, whatever tsconfig the user's folder has.
 */
export async function bundleFile(file: string, kind: 'scenario' | 'config'): Promise<Bundle> {
  const abs = resolve(file);
  if (!existsSync(abs)) {
    throw new ScenarioError(`${kind} file not found: ${file}`, kind === 'scenario' ? 'give the path of a .ts or .js scenario, e.g. `bench run scenarios/quickstart.ts`' : 'check the --config path');
  }
  const dir = mkdtempSync(join(tmpdir(), 'volley-'));
  const out = join(dir, `${kind}.mjs`);
  const api = pathToFileURL(join(packageRoot(), 'dist', 'index.js')).href;
  try {
    await build({
      entryPoints: [abs],
      outfile: out,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'silent',
      tsconfigRaw: { compilerOptions: { experimentalDecorators: false, useDefineForClassFields: true } },
      // CommonJS packages bundled into ESM need a require.
      banner: { js: "import { createRequire as __volleyCreateRequire } from 'node:module'; const require = __volleyCreateRequire(import.meta.url);" },
      plugins: [
        {
          name: 'volley-api',
          setup(b) {
            b.onResolve({ filter: /^volley$/ }, () => ({ path: api, external: true }));
          },
        },
      ],
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const errors = (err as { errors?: Message[] }).errors;
    if (errors?.length) {
      throw new ScenarioError(`${kind} ${file} does not compile:\n${errors.slice(0, 5).map((m) => formatMessage(m, process.cwd())).join('\n')}`, missingPackageHint(errors, abs));
    }
    throw err;
  }
  return { path: out, dispose: () => rmSync(dir, { recursive: true, force: true }) };
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

