import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { redact, UserError } from '../../errors.js';
import { SUMMARY_VERSION, type RunSummary } from '../../metrics/summary-types.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { secretValues } from '../../util/secret-values.js';

export const SUMMARY_FILE = 'summary.json';

/**
 * Writes `<dir>/summary.json`, 2-space indented, atomically, with the values of
 * credential-like environment variables (`*KEY*`, `*TOKEN*`, …) redacted
 * wherever they reached it (an error message, a warning, an option). Every
 * writer of summary.json (`bench run`, `bench merge`) goes through here. Returns its path.
 */
export function writeSummaryJson(summary: RunSummary, dir: string): string {
  const path = join(dir, SUMMARY_FILE);
  writeFileAtomic(path, redact(JSON.stringify(summary, null, 2), secretValues()) + '\n');
  return path;
}

const latency = z.looseObject({ count: z.number(), p50: z.number(), p95: z.number(), p99: z.number() });
const endpoint = z.looseObject({ name: z.string(), method: z.string(), requests: z.number(), failures: z.number(), rps: z.number(), latencyMs: latency });

/**
 * The parts of summary.json that `bench report` and `bench compare` rely on;
 * checked so a wrong file fails with a message instead of a TypeError later.
 */
const summaryShape = z.looseObject({
  version: z.literal(SUMMARY_VERSION),
  meta: z.looseObject({ scenario: z.string(), startTime: z.string(), durationMs: z.number(), users: z.number(), workers: z.number() }),
  total: endpoint,
  endpoints: z.array(endpoint),
  errors: z.array(z.looseObject({ message: z.string(), count: z.number() })),
  checks: z.array(z.looseObject({ name: z.string(), passes: z.number(), fails: z.number() })),
  history: z.array(z.looseObject({ t: z.number() })),
});

/**
 * Reads a run's summary.json from its results folder (or the file itself).
 * Throws a UserError naming the path and how to fix it.
 */
export function readSummaryJson(dirOrFile: string): RunSummary {
  const isDir = existsSync(dirOrFile) && statSync(dirOrFile).isDirectory();
  const path = isDir ? join(dirOrFile, SUMMARY_FILE) : dirOrFile;
  if (!existsSync(path)) throw new UserError(`cannot read ${path}: no such file`, missingHint(dirOrFile, isDir), 'E_SUMMARY');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`cannot read ${path}: ${err instanceof SyntaxError ? `not valid JSON (${err.message})` : (err as Error).message}`, 'the run may have been killed while writing it; run the scenario again', 'E_SUMMARY');
  }
  const version = (data as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > SUMMARY_VERSION) {
    throw new UserError(`${path} has summary format version ${version}; this bench reads version ${SUMMARY_VERSION}`, 'upgrade volley to read it', 'E_SUMMARY');
  }
  const parsed = summaryShape.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new UserError(`${path} is not a Volley summary:\n  - ${problems.join('\n  - ')}`, 'summary.json is written by `bench run --out <dir>`', 'E_SUMMARY');
  }
  const summary = data as RunSummary;
  // Summaries from runs without histograms still render; the CSV falls back to LatencyStats.
  summary.histograms ??= { endpoints: [], trends: [] };
  return summary;
}

/** Says what is wrong with the path the user gave: it names that path, not an example of another command. */
function missingHint(given: string, isDir: boolean): string {
  if (isDir) return `${given} holds no ${SUMMARY_FILE}: give the folder that \`bench run … --out <dir>\` wrote, or run the scenario again with --out ${given}`;
  return `${given} does not exist: give the folder that \`bench run … --out <dir>\` wrote (it holds ${SUMMARY_FILE}), or that file itself`;
}
