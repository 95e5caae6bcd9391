// Runs a TypeScript script (bench/*.ts) by bundling it with esbuild first.
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const entry = process.argv[2];
if (!entry) { console.error('usage: node scripts/run-ts.mjs <file.ts> [args]'); process.exit(2); }
const outfile = join(process.cwd(), '.volley-cache', `run-${process.pid}.mjs`);
await build({ entryPoints: [resolve(entry)], outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' });
process.argv.splice(2, 1);
await import(pathToFileURL(outfile).href);
