import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { compareSummaries, regressionFailures } from '../report/compare.js';
import { formatComparison, type RunLabel } from '../report/compare-format.js';
import { formatMultiComparison, runLetter } from '../report/compare-multi-format.js';
import { readSummaryJson } from '../report/files/summary-file.js';
import { ALL_REPORT_FORMATS, writeReports, type ReportFormat } from '../report/files/write-reports.js';

interface ReportIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** `bench compare --fail-on-regression` exits with this when B regressed (docs/reports.md). */
const REGRESSION_EXIT_CODE = 1;

/**
 * `bench report <dir>` rebuilds the report files from a run's summary.json;
 * `bench compare <dirA> <dirB>` shows what changed between two runs.
 * Bad input throws a UserError; the CLI prints it and exits 2.
 */
export function registerReportCommands(program: Command, io: ReportIo): void {
  program
    .command('report')
    .description('rebuild report.html, stats.csv, history.csv, failures.csv and junit.xml from <dir>/summary.json')
    .argument('<dir>', 'results folder of a run (holds summary.json)')
    .option('--out <dir>', 'write the files here instead of <dir>')
    .option('--format <list>', `comma-separated: ${ALL_REPORT_FORMATS.join(', ')}`, ALL_REPORT_FORMATS.join(','))
    .action((dir: string, opts: { out?: string; format: string }) => {
      const formats = parseFormats(opts.format);
      const summary = readSummaryJson(dir);
      for (const path of writeReports(summary, opts.out ?? dir, formats)) io.stdout.write(`wrote ${path}\n`);
    });

  program
    .command('compare')
    .description('compare runs: two side by side, or several against the first; per endpoint and LLM metric, with regressions marked')
    .argument('<dirA>', 'baseline results folder (or its summary.json)')
    .argument('<dirB>', 'results folder to compare with the baseline')
    .argument('[more...]', 'more results folders, each compared with the baseline too')
    .option('--tolerance <percent>', 'change allowed before a figure counts as a regression', '10%')
    .option('--fail-on-regression', `exit with ${REGRESSION_EXIT_CODE} when any figure regressed or an endpoint of the baseline is gone`)
    .option('--json', 'print the comparison as JSON')
    .action((dirA: string, dirB: string, more: string[], opts: { tolerance: string; failOnRegression?: boolean; json?: boolean }) => {
      const tolerancePct = parseTolerance(opts.tolerance);
      const a = readSummaryJson(dirA);
      const b = readSummaryJson(dirB);
      // JSON has no Infinity: a change from 0 is written as null (a is 0 there, so it reads apart from a missing value).
      const json = (x: unknown) => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
      const label = (dir: string, s: typeof a) => ({ label: resolve(dir), scenario: s.meta.scenario, startTime: s.meta.startTime });
      if (more.length > 0) return compareMany([[dirA, a], [dirB, b], ...more.map((d) => [d, readSummaryJson(d)] as const)], tolerancePct, opts, io, json, label);
      const comparison = compareSummaries(a, b, tolerancePct);
      if (opts.json) {
        io.stdout.write(json(comparison));
      } else {
        io.stdout.write(formatComparison(comparison, label(dirA, a), label(dirB, b)));
      }
      // Set, not exit: the CLI finishes writing output and leaves with this code.
      const failures = opts.failOnRegression ? regressionFailures(comparison) : [];
      for (const f of failures) io.stderr.write(`regression: ${f}\n`);
      if (failures.length > 0) process.exitCode = REGRESSION_EXIT_CODE;
    });
}

type Summary = ReturnType<typeof readSummaryJson>;

/** `bench compare A B C …`: every run against the first A; JSON is `{ baseline, runs: [{ dir, comparison }] }`. */
function compareMany(
  runs: Array<readonly [string, Summary]>,
  tolerancePct: number,
  opts: { failOnRegression?: boolean; json?: boolean },
  io: ReportIo,
  json: (x: unknown) => string,
  label: (dir: string, s: Summary) => RunLabel,
): void {
  const [[baseDir, base], ...others] = runs as [readonly [string, Summary], ...Array<readonly [string, Summary]>];
  const comparisons = others.map(([, s]) => compareSummaries(base, s, tolerancePct));
  if (opts.json) io.stdout.write(json({ baseline: resolve(baseDir), runs: others.map(([dir], i) => ({ dir: resolve(dir), comparison: comparisons[i] })) }));
  else io.stdout.write(formatMultiComparison(comparisons, runs.map(([dir, s]) => label(dir, s))));
  const failures = opts.failOnRegression ? comparisons.flatMap((c, i) => regressionFailures(c).map((f) => `${runLetter(i + 1)} (${others[i]![0]}): ${f}`)) : [];
  for (const f of failures) io.stderr.write(`regression: ${f}\n`);
  if (failures.length > 0) process.exitCode = REGRESSION_EXIT_CODE;
}

function parseFormats(list: string): ReportFormat[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(ALL_REPORT_FORMATS as string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new UserError(`--format "${list}": unknown format ${unknown.map((u) => `"${u}"`).join(', ') || '(none given)'}; expected ${ALL_REPORT_FORMATS.join(', ')}`);
  }
  return names as ReportFormat[];
}

function parseTolerance(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  if (!m) throw new UserError(`--tolerance "${text}": expected a percentage such as 10%`);
  return Number(m[1]);
}
