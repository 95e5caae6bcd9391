import { readFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Loader, Plugin } from 'esbuild';

/**
 * A bundle runs from a temporary folder, but a scenario reads its files
 * relative to where it was written. Every bundled file gets its own source
 * location: `__dirname`, `__filename`, `import.meta.url`, `import.meta.dirname`
 * and `import.meta.filename` are defined (free uses only: a file that
 * declares its own `__dirname` keeps it) as names that this plugin declares at
 * the top of each file, so a module in a sub-folder sees its own folder.
 * The declarations go on the file's first line, so line numbers (and the
 * source map) stay as written.
 */
export const SOURCE_DEFINES: Record<string, string> = {
  __dirname: '__volley_dirname',
  __filename: '__volley_filename',
  'import.meta.url': '__volley_url',
  'import.meta.dirname': '__volley_dirname',
  'import.meta.filename': '__volley_filename',
};

const LOADERS: Record<string, Loader> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx' };

export const sourcePathsPlugin: Plugin = {
  name: 'volley-source-paths',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?[jt]sx?$/, namespace: 'file' }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const consts = `var __volley_dirname = ${JSON.stringify(dirname(args.path))}, __volley_filename = ${JSON.stringify(args.path)}, __volley_url = ${JSON.stringify(pathToFileURL(args.path).href)};`;
      // A hashbang must stay first, and a 'use strict' directive before any statement: the declarations go after them.
      const head = /^(#![^\n]*\n)?(\s*(['"])use strict\3;?)?/.exec(source)![0];
      // A directive without its semicolon ("use strict"⏎) needs one before the declarations on its line.
      const contents = head + (/['"]$/.test(head) ? ';' : '') + consts + source.slice(head.length);
      return { contents, loader: LOADERS[extname(args.path)] ?? 'js', resolveDir: dirname(args.path) };
    });
  },
};
