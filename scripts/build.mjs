// Bundles the CLI, the worker entry and the public API into dist/ with esbuild.
// Code splitting keeps one copy of shared modules, so a scenario that imports
// 'volley' (resolved to dist/index.js) shares classes with the worker runtime.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { readFileSync, rmSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// Packages stay external (node_modules), except the ones bundled in because
// loading them as installed costs start-up time (docs/benchmarks.md#start-up):
// zod is about a hundred ES modules, commander a CommonJS module that Node
// scans for its exports before an import can use it.
const BUNDLED = new Set(['zod', 'commander']);
const external = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})]
  .filter((d) => !BUNDLED.has(d))
  .flatMap((d) => [d, `${d}/*`]);
// A fresh dist/ each time: chunk names carry content hashes, and old ones would pile up (and ship).
rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli/main.ts', worker: 'src/runtime/worker.ts', index: 'src/api/index.ts', signals: 'src/cli/signals.ts', run: 'src/run/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // CommonJS code bundled into these ES modules (commander) requires Node's built-ins.
  banner: { js: "import { createRequire as __volleyRequire } from 'node:module'; const require = __volleyRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
});
