import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleFile } from '../compile/bundle.js';
import { ScenarioError, UserError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { scenarioExports } from '../util/module-exports.js';

/** The file `bench setup` writes and `--setup-data` reads. */
export interface SetupDataFile {
  volleySetupData: 1;
  scenario: string;
  createdAt: string;
  data: unknown;
}

interface ScenarioModule {
  setup?: () => unknown;
  teardown?: (data: unknown) => unknown;
}

async function withScenario<T>(scenario: string, fn: (mod: ScenarioModule) => Promise<T>): Promise<T> {
  const bundle = await bundleFile(resolve(scenario), 'scenario');
  try {
    return await fn(scenarioExports((await import(pathToFileURL(bundle.path).href)) as Record<string, unknown>) as ScenarioModule);
  } finally {
    bundle.dispose();
  }
}

/**
 * Runs the scenario's exported `setup()` once, on this thread, and writes what
 * it returned to `out` (atomically), for every instance to read with
 * `--setup-data`. The value must survive JSON, as it travels between machines.
 */
export async function runSetupOnce(scenario: string, out: string): Promise<SetupDataFile> {
  return withScenario(scenario, async (mod) => {
    if (typeof mod.setup !== 'function') {
      throw new ScenarioError(`${scenario} exports no setup() function`, 'add `export async function setup() { … return data; }`, or run without --setup-data');
    }
    let data: unknown;
    try {
      data = await mod.setup();
    } catch (err) {
      throw new UserError(`setup() failed: ${err instanceof Error ? err.message : String(err)}`, 'fix the exported setup() function of the scenario');
    }
    const file: SetupDataFile = { volleySetupData: 1, scenario, createdAt: new Date().toISOString(), data: toJsonValue(data) };
    writeFileAtomic(out, JSON.stringify(file, null, 2) + '\n');
    return file;
  });
}

/** Runs the scenario's `teardown(data)` once with the data of a setup file. */
export async function runTeardownOnce(scenario: string, setupFile: string | undefined): Promise<boolean> {
  const data = setupFile ? readSetupData(setupFile) : undefined;
  return withScenario(scenario, async (mod) => {
    if (typeof mod.teardown !== 'function') return false;
    try {
      await mod.teardown(data);
    } catch (err) {
      throw new UserError(`teardown() failed: ${err instanceof Error ? err.message : String(err)}`, 'fix the exported teardown() function of the scenario');
    }
    return true;
  });
}

/** Reads the `data` of a file written by `bench setup` (the value every user gets as `this.data`). */
export function readSetupData(path: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new UserError(`--setup-data ${path}: cannot read it (${why})`, 'write it first with `bench setup scenario.ts --out setup.json`', 'E_SETUP_DATA');
  }
  if (!parsed || typeof parsed !== 'object' || (parsed as SetupDataFile).volleySetupData !== 1) {
    throw new UserError(`--setup-data ${path}: not a file written by \`bench setup\``, 'write it with `bench setup scenario.ts --out setup.json`', 'E_SETUP_DATA');
  }
  return (parsed as SetupDataFile).data;
}

function toJsonValue(data: unknown): unknown {
  if (data === undefined) return null;
  let text: string;
  try {
    text = JSON.stringify(data, (_k, v: unknown) => {
      if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') throw new TypeError(`a ${typeof v} cannot be written as JSON`);
      return v;
    });
  } catch (err) {
    throw new UserError(`setup() returned a value that cannot be written to a file: ${(err as Error).message}`, 'return plain data (objects, arrays, strings, numbers) from setup()');
  }
  return JSON.parse(text);
}
