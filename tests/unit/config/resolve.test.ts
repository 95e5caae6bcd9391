import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFile } from '../../../src/compile/bundle.js';
import { loadConfigFile, loadScenarioOptions, resolveConfig } from '../../../src/config/resolve.js';
import { validateOptions } from '../../../src/config/validate.js';
import { ConfigError, ScenarioError } from '../../../src/errors.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'volley-resolve-'));
  writeFileSync(
    join(dir, 'bench.config.ts'),
    "import { defineConfig } from 'volley';\nexport default defineConfig({ users: 3, duration: '7s', seed: 1, workers: 1, tags: 'a,b' });\n",
  );
  writeFileSync(join(dir, 'other.config.ts'), "export default { users: 4, stopTimeout: '1s' };\n");
  writeFileSync(join(dir, 'bad.config.ts'), "export default { users: 'lots', durration: '1m', requestTimeout: '5 s' };\n");
  writeFileSync(join(dir, 'nodefault.config.ts'), 'export const users = 2;\n');
  writeFileSync(join(dir, 'throws.config.ts'), "throw new Error('boom');\nexport default {};\n");
  writeFileSync(
    join(dir, 'scenario.ts'),
    "import { HttpUser, task } from 'volley';\nexport const options = { users: 5, seed: 2 };\nexport class V extends HttpUser { static tasks = { a: 1 }; a() {} }\n",
  );
  writeFileSync(join(dir, 'bad-options.ts'), "export const options = { users: -2, spawnrate: 1 };\n");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scenarioOptions(file: string) {
  const bundle = await bundleFile(join(dir, file), 'scenario');
  try {
    return await loadScenarioOptions(bundle.path, file);
  } finally {
    bundle.dispose();
  }
}

describe('options precedence: command line > scenario > config file > defaults', () => {
  it('finds bench.config.ts in the current folder and layers the sources', async () => {
    const file = await loadConfigFile(undefined, dir);
    expect(file.file).toBe(join(dir, 'bench.config.ts'));
    const scenario = await scenarioOptions('scenario.ts');
    const cli = validateOptions('command line', { users: 9 });
    const cfg = resolveConfig('scenario.ts', { cli, scenario, file: file.options });
    expect(cfg.users).toBe(9); // command line
    expect(cfg.seed).toBe(2); // scenario over config file
    expect(cfg.durationMs).toBe(7000); // config file
    expect(cfg.workers).toBe(1);
    expect(cfg.tags).toEqual(['a', 'b']);
    expect(cfg.stopTimeoutMs).toBe(5000); // default
    expect(cfg.requestTimeoutMs).toBe(60_000);
    expect(cfg.exitCodeOnError).toBe(1);
    expect(cfg.spawnRate).toBe(Infinity);
  });

  it('uses the file named with --config instead of bench.config.ts', async () => {
    const file = await loadConfigFile('other.config.ts', dir);
    const cfg = resolveConfig('s.ts', { cli: {}, scenario: {}, file: file.options });
    expect(cfg.users).toBe(4);
    expect(cfg.stopTimeoutMs).toBe(1000);
  });

  it('applies the defaults when nothing is given', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'volley-empty-'));
    try {
      const file = await loadConfigFile(undefined, empty);
      expect(file).toEqual({ options: {} });
      const cfg = resolveConfig('s.ts', { cli: {}, scenario: {}, file: file.options });
      expect(cfg).toMatchObject({ users: 1, headless: false, thresholds: [], skipHostCheck: false, snapshotIntervalMs: 1000 });
      expect(cfg.durationMs).toBeUndefined();
      expect(cfg.workers).toBeGreaterThanOrEqual(1);
      expect(Number.isInteger(cfg.seed)).toBe(true);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('bad config sources', () => {
  it('lists every problem of the config file, naming the file', async () => {
    const err = await loadConfigFile('bad.config.ts', dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain(join(dir, 'bad.config.ts'));
    expect((err as ConfigError).problems).toEqual([
      'users: expected number, got "lots"',
      'requestTimeout: expected a duration like 90s, 5m, 1h or 1m30s, got "5 s"',
      'durration: unknown option; see docs/cli.md for the list',
    ]);
  });

  it('says how to write a config file without a default export', async () => {
    const err = await loadConfigFile('nodefault.config.ts', dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).hint).toContain('export default defineConfig');
  });

  it('reports a config file whose top-level code throws as the user\'s error, naming the file', async () => {
    const err = await loadConfigFile('throws.config.ts', dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).message).toBe(`config ${join(dir, 'throws.config.ts')} failed to load: Error: boom`);
    expect((err as ScenarioError).hint).toContain('top-level code of the config file');
  });

  it('names a missing --config file', async () => {
    await expect(loadConfigFile('nope.config.ts', dir)).rejects.toThrow(`config file not found: ${join(dir, 'nope.config.ts')}`);
  });

  it('validates the options exported by the scenario', async () => {
    const err = await scenarioOptions('bad-options.ts').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('invalid options exported by bad-options.ts');
    expect((err as ConfigError).problems).toEqual([
      'users: expected number to be >=0, got -2',
      'spawnrate: unknown option; see docs/cli.md for the list',
    ]);
  });
});
