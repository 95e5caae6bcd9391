import { build, type Message } from 'esbuild';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ScenarioError } from '../errors.js';
import { packageRoot } from '../util/package-root.js';
import { makeTempDir } from './temp-dirs.js';

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
  const { dir, dispose } = makeTempDir();
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
    dispose();
    const errors = (err as { errors?: Message[] }).errors;
    if (errors?.length) {
      throw new ScenarioError(`${kind} ${file} does not compile:\n${errors.slice(0, 5).map((m) => formatMessage(m, process.cwd())).join('\n')}`);
    }
    throw err;
  }
  return { path: out, dispose };
}
