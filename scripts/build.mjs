// Bundles the CLI, the worker entry and the public API into dist/ with esbuild.
// Code splitting keeps one copy of shared modules, so a scenario that imports
// 'volley' (resolved to dist/index.js) shares classes with the worker runtime.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli/main.ts', worker: 'src/runtime/worker.ts', index: 'src/api/index.ts', signals: 'src/cli/signals.ts', run: 'src/run/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
});
