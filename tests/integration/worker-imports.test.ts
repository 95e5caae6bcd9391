/**
 * What a worker loads before it knows its user classes: an HTTP-only run must
 * not pay for the LLM client and tiktoken (WebAssembly) in every worker. The
 * built worker (dist/, made by the global setup) may reach them only through a
 * dynamic import(), taken when a class is an LLMUser.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';

/** The files an ES module loads before it runs: its static `import … from './…'` closure. */
function staticClosure(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (files.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    files.set(file, text);
    for (const m of text.matchAll(/^import\s+(?:[^"']*?from\s+)?["'](\.[^"']+)["']/gm)) stack.push(resolve(dirname(file), m[1]!));
  }
  return files;
}

/** Static imports of a package (`import … from "tiktoken"`), not mentions in comments. */
const importsPackage = (text: string, name: string): boolean => new RegExp(`^import\\s+(?:[^"']*?from\\s+)?["']${name}["']`, 'm').test(text);

/** Code that loads tiktoken: a static import, or workload/tokenizer.ts's require('tiktoken') when the first encoder is built. */
const loadsTiktoken = (text: string): boolean => importsPackage(text, 'tiktoken') || /\(\s*["']tiktoken["']\s*\)/.test(text);

it('the worker loads neither tiktoken nor the LLM client until a class needs them', () => {
  const files = staticClosure(join(packageRoot(), 'dist/worker.js'));
  expect(files.size).toBeGreaterThan(1);
  const loaders = [...files].filter(([, text]) => loadsTiktoken(text)).map(([file]) => file);
  expect(loaders).toEqual([]);
  // The LLM client is still there, behind import(): LLM runs attach it.
  expect([...files.values()].some((text) => /import\(["']\.\/chunks\/client-[^"']+["']\)|import\(["']\.\/client-[^"']+["']\)/.test(text))).toBe(true);
  // ...and it does load tiktoken, so the check above looks at the right thing.
  const all = [...files.values()].join('\n');
  const client = /import\(["'](\.\/(?:chunks\/)?client-[^"']+)["']\)/.exec(all)![1]!;
  const clientFiles = staticClosure(resolve(packageRoot(), 'dist', client.startsWith('./chunks/') ? '' : 'chunks', client));
  expect([...clientFiles.values()].some((text) => loadsTiktoken(text))).toBe(true);
});
