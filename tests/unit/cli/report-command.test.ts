import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import type { RunSummary } from '../../../src/metrics/summary-types.js';
import { registerReportCommands } from '../../../src/cli/report-command.js';

const fixtures = new URL('../../fixtures/summaries/', import.meta.url).pathname;

/** A results folder holding the fixture as its summary.json. */
function resultsDir(fixture: string, edit?: (s: RunSummary) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'volley-cli-'));
  if (!edit) cpSync(join(fixtures, fixture), join(dir, 'summary.json'));
  else {
    const s = JSON.parse(readFileSync(join(fixtures, fixture), 'utf8')) as RunSummary;
    edit(s);
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(s));
  }
  return dir;
}

async function bench(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const program = new Command('bench').exitOverride();
  registerReportCommands(program, { stdout, stderr });
  await program.parseAsync(args, { from: 'user' });
  return { stdout: out, stderr: err };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('bench report', () => {
  it('rebuilds the report files next to summary.json', async () => {
    const dir = resultsDir('http-shop.json');
    const { stdout } = await bench('report', dir);
    expect(readdirSync(dir).sort()).toEqual(['failures.csv', 'history.csv', 'junit.xml', 'report.html', 'stats.csv', 'summary.json']);
    expect(stdout).toContain(`wrote ${join(dir, 'report.html')}`);
  });

  it('writes only the formats asked for, where asked', async () => {
    const dir = resultsDir('http-shop.json');
    const out = join(dir, 'elsewhere');
    mkdirSync(out);
    await bench('report', dir, '--out', out, '--format', 'html,junit');
    expect(readdirSync(out).sort()).toEqual(['junit.xml', 'report.html']);
  });

  it('throws a UserError with the path when summary.json is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'volley-cli-'));
    await expect(bench('report', dir)).rejects.toThrow(UserError);
    await expect(bench('report', dir)).rejects.toThrow(join(dir, 'summary.json'));
  });

  it('rejects an unknown format', async () => {
    await expect(bench('report', resultsDir('http-shop.json'), '--format', 'pdf')).rejects.toThrow('--format "pdf": unknown format "pdf"; expected csv, junit, html');
  });
});

describe('bench compare', () => {
  it('prints the differences and leaves the exit code alone without --fail-on-regression', async () => {
    const a = resultsDir('http-shop.json');
    const b = resultsDir('http-shop.json', (s) => (s.total.latencyMs.p99 *= 2));
    const { stdout } = await bench('compare', a, b);
    expect(stdout).toMatch(/Aggregated\n(.*\n){6} {2}p99 .* \+100% +✗ regression/);
    expect(process.exitCode).toBeUndefined();
  });

  it('sets exit code 1 with --fail-on-regression when a figure regressed', async () => {
    const a = resultsDir('llm-sweep.json');
    const b = resultsDir('llm-sweep.json', (s) => (s.llm!.outputTokensPerSec *= 0.5));
    await bench('compare', a, b, '--fail-on-regression');
    expect(process.exitCode).toBe(1);
  });

  it('fails with --fail-on-regression when endpoints of the baseline are gone, naming them', async () => {
    const a = resultsDir('http-shop.json');
    // Same totals, disjoint endpoints: no figure regressed, but B tested none of what A did.
    const b = resultsDir('http-shop.json', (s) => s.endpoints.forEach((e) => (e.name = `/v2${e.name}`)));
    const { stderr } = await bench('compare', a, b, '--fail-on-regression');
    expect(process.exitCode).toBe(1);
    expect(stderr).toContain('5 endpoints of the baseline are gone from the compared run: GET /, GET /cart, GET /products/[id], POST /cart (add), POST /checkout');
  });

  it('does not fail for endpoints only the compared run has', async () => {
    const a = resultsDir('http-shop.json', (s) => (s.endpoints = s.endpoints.slice(1)));
    const b = resultsDir('http-shop.json');
    const { stderr } = await bench('compare', a, b, '--fail-on-regression');
    expect(stderr).toBe('');
    expect(process.exitCode).toBeUndefined();
  });

  it('does not fail within the tolerance', async () => {
    const a = resultsDir('llm-sweep.json');
    const b = resultsDir('llm-sweep.json', (s) => (s.llm!.outputTokensPerSec *= 0.95));
    const { stdout } = await bench('compare', a, b, '--fail-on-regression', '--tolerance', '10%');
    expect(stdout).toContain('no regressions beyond 10%');
    expect(process.exitCode).toBeUndefined();
  });

  it('prints JSON with --json', async () => {
    const a = resultsDir('http-shop.json');
    const { stdout } = await bench('compare', a, a, '--json', '--tolerance', '5');
    const parsed = JSON.parse(stdout);
    expect(parsed.tolerancePct).toBe(5);
    expect(parsed.regressions).toBe(0);
  });

  it('rejects a bad tolerance and a missing run', async () => {
    const a = resultsDir('http-shop.json');
    await expect(bench('compare', a, a, '--tolerance', 'lots')).rejects.toThrow('--tolerance "lots": expected a percentage such as 10%');
    await expect(bench('compare', a, join(a, 'nope'))).rejects.toThrow(UserError);
  });

  it('a missing run: the hint names the path given, not another command', async () => {
    const a = resultsDir('http-shop.json');
    const err = await bench('compare', a, '/missing').then(() => undefined, (e: UserError) => e);
    expect(err?.message).toBe('cannot read /missing: no such file');
    expect(err?.hint).toContain('/missing does not exist');
    expect(err?.hint).not.toContain('bench report');
  });
});

describe('bench compare with more than two runs', () => {
  it('prints one table of every run against the first, with a column per run and its marks', async () => {
    const a = resultsDir('http-shop.json');
    const b = resultsDir('http-shop.json', (s) => (s.total.latencyMs.p99 *= 2));
    const c = resultsDir('http-shop.json', (s) => (s.total.latencyMs.p99 *= 0.5));
    const { stdout } = await bench('compare', a, b, c);
    expect(stdout).toContain(`A: ${a}`);
    expect(stdout).toContain(`B: ${b}`);
    expect(stdout).toContain(`C: ${c}`);
    const header = stdout.split('\n').find((l) => /^\s+A\s+B\s+C$/.test(l));
    expect(header).toBeDefined();
    const p99 = stdout.split('Aggregated\n')[1]!.split('\n').find((l) => l.trim().startsWith('p99'))!;
    expect(p99).toMatch(/\(\+100%\) ✗ .*\(-50%\) ✓$/);
    expect(stdout).toContain('regressions beyond 10% against A: B 1');
    expect(process.exitCode).toBeUndefined();
  });

  it('--fail-on-regression names the run that regressed; --json lists each comparison', async () => {
    const a = resultsDir('llm-sweep.json');
    const b = resultsDir('llm-sweep.json');
    const c = resultsDir('llm-sweep.json', (s) => (s.llm!.outputTokensPerSec *= 0.5));
    const { stderr } = await bench('compare', a, b, c, '--fail-on-regression');
    expect(process.exitCode).toBe(1);
    expect(stderr).toMatch(/^regression: C \(.*\): 1 figure regressed beyond 10%$/m);
    expect(stderr).not.toMatch(/regression: B/);
    process.exitCode = undefined;
    const { stdout } = await bench('compare', a, b, c, '--json');
    const json = JSON.parse(stdout) as { baseline: string; runs: Array<{ dir: string; comparison: { regressions: number } }> };
    expect(json.baseline).toBe(a);
    expect(json.runs.map((r) => [r.dir, r.comparison.regressions])).toEqual([[b, 0], [c, 1]]);
  });

  it('a missing third run is a UserError naming it', async () => {
    const a = resultsDir('http-shop.json');
    const err = await bench('compare', a, a, '/missing-run').catch((e: unknown) => e as UserError);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain('/missing-run');
  });
});
