import { build, type Message } from 'esbuild';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
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
    throw new ScenarioError(`${kind} file not found: ${file}`, kind === 'scenario' ? missingScenarioHint(abs) : 'check the --config path');
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
      throw new ScenarioError(`${kind} ${file} does not compile:\n${errors.slice(0, 5).map((m) => formatMessage(m, process.cwd())).join('\n')}`);
    }
    throw err;
  }
  return { path: out, dispose: () => rmSync(dir, { recursive: true, force: true }) };
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
