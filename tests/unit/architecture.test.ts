import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Which part of src/ may import which (STYLE.md, "Arrows point down"). The
// layout reads top to bottom: a file may import its own folder and any folder
// of a layer below its own, never one above and never a sibling of its layer.
// A wing (distributed: k8s, the Redis live view, merge; the web UI) may use
// the core; the core never uses a wing. `report` turns figures into text and
// files for whoever owns the run (cli, run, the wings): the engine hands its
// figures to a Reporter (metrics/reporter.ts) and never imports report/.
// `telemetry` (the servers' /metrics scraped in, Volley's figures out to
// Prometheus) sits under the engine, which runs its scraper during the load;
// `run` plugs in its exporters as reporters. It uses only metrics and util.
const LAYERS: readonly (readonly string[])[] = [
  ['cli'],
  ['distributed', 'web'],
  ['run'],
  ['report'],
  ['engine'],
  ['telemetry'],
  ['pool'],
  ['runtime'],
  ['clients'],
  ['config', 'mock'],
  ['thresholds', 'compile', 'workload'],
  ['api'],
  ['metrics', 'util', 'errors'],
];

/** Folders that import (almost) nothing from the rest of src/. */
const ONLY: Readonly<Record<string, readonly string[]>> = {
  metrics: [],
  util: [],
  errors: [],
  api: ['errors'], // `StopUser` is part of what scenarios import
  report: ['metrics', 'thresholds', 'util', 'errors'], // figures in, text and files out: no options, no engine
};

/**
 * Known arrows up, each with its reason. Keep this list short: a new entry
 * needs a reason better than "it was easier".
 */
const EXCEPTIONS: readonly { from: string; to: string; typeOnly?: boolean; why: string }[] = [
  { from: 'api/options.ts', to: 'config/schema.ts', typeOnly: true, why: 'the public Options type is the schema\'s input type; no code of config/ reaches a scenario' },
  { from: 'runtime/', to: 'pool/protocol.ts', why: 'the message types between the pool and its workers: one contract, two sides' },
  { from: 'runtime/', to: 'pool/stage-budget.ts', why: 'the shared-memory stage budget, written by the engine and read by workers' },
];

const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `src/engine/plan.ts` → 'engine'; `src/errors.ts` → 'errors'. */
const areaOf = (file: string): string => relative(SRC, file).split('/')[0]!.replace(/\.tsx?$/, '');

const IMPORT = /(?:^|[\s;])(?:import|export)\s([^'"]*?)from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

interface Import {
  target: string;
  /** `import type …` / `export type …`: gone from the JavaScript. */
  typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => ({
    target: resolve(dirname(file), (m[2] ?? m[3])!).replace(/\.js$/, '.ts'),
    typeOnly: m[1] !== undefined && /^type\s/.test(m[1]),
  }));
}

const relativeImports = (file: string): string[] => importsOf(file).map((i) => i.target);

const layerOf = (area: string): number => LAYERS.findIndex((layer) => layer.includes(area));

function allowed(from: string, to: string, fromFile: string, toFile: string, typeOnly = false): boolean {
  if (from === to) return true;
  const rel = (f: string) => relative(SRC, f);
  if (EXCEPTIONS.some((e) => rel(fromFile).startsWith(e.from) && rel(toFile) === e.to && (typeOnly || !e.typeOnly))) return true;
  const only = ONLY[from];
  if (only) return only.includes(to);
  return layerOf(to) > layerOf(from);
}

/** Every import in src/ that breaks the rules, as 'src/a/file.ts -> src/b/file.ts'. */
function wrongArrows(): string[] {
  const wrong: string[] = [];
  for (const file of sourceFiles(SRC)) {
    for (const { target, typeOnly } of importsOf(file)) {
      if (!target.startsWith(SRC)) continue;
      const from = areaOf(file);
      const to = areaOf(target);
      if (!allowed(from, to, file, target, typeOnly)) wrong.push(`src/${relative(SRC, file)} -> src/${relative(SRC, target)}`);
    }
  }
  return wrong;
}

describe('import directions in src/', () => {
  it('places every folder of src/ in a layer', () => {
    const areas = new Set(sourceFiles(SRC).map(areaOf));
    expect([...areas].filter((a) => layerOf(a) < 0)).toEqual([]);
  });

  it('has no arrow back up: cli → wings → run → report → engine → pool → runtime → clients → config → metrics', () => {
    expect(wrongArrows()).toEqual([]);
  });

  it('sees the imports it checks (the scan is not blind)', () => {
    const orchestrator = join(SRC, 'engine/orchestrator.ts');
    const targets = relativeImports(orchestrator).map((t) => relative(SRC, t));
    expect(targets).toContain('metrics/reporter.ts');
    expect(allowed('engine', 'report', orchestrator, join(SRC, 'report/headless.ts'))).toBe(false);
    expect(allowed('config', 'distributed', join(SRC, 'config/schema.ts'), join(SRC, 'distributed/merge/merge.ts'))).toBe(false);
    expect(allowed('report', 'config', join(SRC, 'report/headless.ts'), join(SRC, 'config/schema.ts'))).toBe(false);
    expect(allowed('metrics', 'util', join(SRC, 'metrics/recorder.ts'), join(SRC, 'util/atomic-write.ts'))).toBe(false);
    // the schema reaches the public API as a type only, never as code
    expect(allowed('api', 'config', join(SRC, 'api/options.ts'), join(SRC, 'config/schema.ts'), true)).toBe(true);
    expect(allowed('api', 'config', join(SRC, 'api/options.ts'), join(SRC, 'config/schema.ts'), false)).toBe(false);
    expect(importsOf(join(SRC, 'api/options.ts')).find((i) => i.target.endsWith('config/schema.ts'))?.typeOnly).toBe(true);
  });
});
