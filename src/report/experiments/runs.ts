import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import type { LatencyStats } from '../../metrics/histogram.js';
import type { RunSummary, StageSummary } from '../../metrics/summary-types.js';
import { readSummaryJson, SUMMARY_FILE } from '../files/summary-file.js';

/** One run's results folder and its summary. */
export interface RunResults {
  dir: string;
  /** The experiment's name: summary.experiment.name, else the folder's name. */
  experiment: string;
  summary: RunSummary;
}

/**
 * One point of the charts and one row of the spreadsheet: a stage of a sweep,
 * or a whole run without stages. LLM figures are null for a run without them.
 */
export interface StagePoint {
  experiment: string;
  dir: string;
  provider: string;
  serverEngine: string;
  serverVersion: string;
  serverGpuType: string;
  serverGpuCount: string;
  model: string;
  traffic: string;
  stage: string;
  concurrency: number | null;
  requests: number;
  failures: number;
  errorRatePct: number;
  requestsPerSec: number;
  ttftP50Ms: number | null;
  ttftP90Ms: number | null;
  ttftP99Ms: number | null;
  tpotP50Ms: number | null;
  tpotP90Ms: number | null;
  tpotP99Ms: number | null;
  e2eP50Ms: number | null;
  e2eP90Ms: number | null;
  e2eP99Ms: number | null;
  /** Output tokens per second of all requests together: the server's throughput. */
  outputTokensPerSec: number | null;
  /** Output tokens per second of one request (p50 across requests): the speed a user sees. */
  userTokensPerSec: number | null;
  inputTokensPerSec: number | null;
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

/**
 * The runs behind each argument: a run's folder (it holds summary.json), the
 * summary.json itself, or an experiment root whose sub-folders are runs
 * (`--experiment-dir`). An argument that is none of these is a user error
 * naming it.
 */
export function loadRuns(args: string[]): RunResults[] {
  if (args.length === 0) throw new UserError('no results folders given', 'give one or more folders written by `bench run --out <dir>` or `--experiment-dir <root>`');
  const runs: RunResults[] = [];
  for (const arg of args) {
    const path = resolve(arg);
    if (!existsSync(path)) throw new UserError(`${arg}: no such folder`, 'give a folder written by `bench run --out <dir>` or an --experiment-dir root');
    if (!isDir(path)) {
      // A summary file: named after its folder when it is a summary.json, else after itself (llm-sweep.json → llm-sweep).
      const own = basename(path) === SUMMARY_FILE ? undefined : basename(path).replace(/\.json$/i, '');
      runs.push(runOf(resolve(path, '..'), readSummaryJson(path), own));
      continue;
    }
    if (existsSync(join(path, SUMMARY_FILE))) {
      runs.push(runOf(path, readSummaryJson(path)));
      continue;
    }
    const children = readdirSync(path)
      .sort()
      .map((name) => join(path, name))
      .filter((p) => isDir(p) && existsSync(join(p, SUMMARY_FILE)));
    if (children.length === 0) {
      throw new UserError(`${arg} holds no ${SUMMARY_FILE}, nor folders that do`, 'give a run folder (bench run --out <dir>) or an experiment root (bench run --experiment-dir <root>)');
    }
    for (const child of children) runs.push(runOf(child, readSummaryJson(child)));
  }
  // Two runs of one name (`results/` of two projects) stay two curves and two sheets.
  const seen = new Map<string, number>();
  for (const r of runs) {
    const n = (seen.get(r.experiment) ?? 0) + 1;
    seen.set(r.experiment, n);
    if (n > 1) r.experiment = `${r.experiment} (${n})`;
  }
  return runs;
}

function runOf(dir: string, summary: RunSummary, name?: string): RunResults {
  return { dir, experiment: summary.experiment?.name ?? name ?? basename(dir), summary };
}

const stat = (s: LatencyStats | undefined, k: 'p50' | 'p90' | 'p99'): number | null => (s && s.count > 0 ? s[k] : null);
const pct = (failures: number, requests: number): number => (requests > 0 ? Math.round((failures / requests) * 10000) / 100 : 0);

/** The points of a run: one per stage, or one for the whole run when it has no stages. */
export function pointsOf(run: RunResults): StagePoint[] {
  const s = run.summary;
  const x = s.experiment;
  const options = s.meta.options ?? {};
  const optionTraffic = [options.traffic].flat().filter((t): t is string => typeof t === 'string');
  const runTraffic = x?.traffic?.length ? x.traffic : optionTraffic;
  const model = x?.model ?? (typeof options.model === 'string' ? options.model : '');
  const base = {
    experiment: run.experiment,
    dir: run.dir,
    provider: x?.provider ?? '',
    serverEngine: x?.serverEngine ?? '',
    serverVersion: x?.serverVersion ?? '',
    serverGpuType: x?.serverGpuType ?? '',
    serverGpuCount: x?.serverGpuCount !== undefined ? String(x.serverGpuCount) : '',
    model,
  };
  const stages: StageSummary[] = s.stages?.length ? s.stages : [{ name: 'run', concurrency: s.meta.users, durationMs: s.meta.durationMs, total: s.total, endpoints: s.endpoints, ...(s.llm && { llm: s.llm }) }];
  return stages.map((st) => {
    const l = st.llm && st.llm.requests > 0 ? st.llm : undefined;
    const requests = l?.requests ?? st.total.requests;
    const failures = l?.failures ?? st.total.failures;
    return {
      ...base,
      traffic: st.traffic ?? (runTraffic.length === 1 ? runTraffic[0]! : runTraffic.join(' ')),
      stage: st.name,
      concurrency: st.concurrency ?? null,
      requests,
      failures,
      errorRatePct: pct(failures, requests),
      requestsPerSec: l?.requestsPerSec ?? st.total.rps,
      ttftP50Ms: stat(l?.ttftMs, 'p50'),
      ttftP90Ms: stat(l?.ttftMs, 'p90'),
      ttftP99Ms: stat(l?.ttftMs, 'p99'),
      tpotP50Ms: stat(l?.tpotMs, 'p50'),
      tpotP90Ms: stat(l?.tpotMs, 'p90'),
      tpotP99Ms: stat(l?.tpotMs, 'p99'),
      // Without LLM figures a request's latency is its end-to-end time.
      e2eP50Ms: l ? stat(l.e2eMs, 'p50') : stat(st.total.latencyMs, 'p50'),
      e2eP90Ms: l ? stat(l.e2eMs, 'p90') : stat(st.total.latencyMs, 'p90'),
      e2eP99Ms: l ? stat(l.e2eMs, 'p99') : stat(st.total.latencyMs, 'p99'),
      outputTokensPerSec: l?.outputTokensPerSec ?? null,
      userTokensPerSec: stat(l?.outputSpeedTokPerS, 'p50'),
      inputTokensPerSec: l?.inputTokensPerSec ?? null,
    };
  });
}

/** The keys of --group-by and --filter, as GenAI Bench names them, and where each is read. */
export const GROUP_KEYS = {
  experiment: (p: StagePoint) => p.experiment,
  provider: (p: StagePoint) => p.provider,
  'server-engine': (p: StagePoint) => p.serverEngine,
  'server-version': (p: StagePoint) => p.serverVersion,
  'server-gpu-type': (p: StagePoint) => p.serverGpuType,
  'server-gpu-count': (p: StagePoint) => p.serverGpuCount,
  model: (p: StagePoint) => p.model,
  traffic: (p: StagePoint) => p.traffic,
  concurrency: (p: StagePoint) => (p.concurrency === null ? '' : String(p.concurrency)),
} satisfies Record<string, (p: StagePoint) => string>;

export type GroupKey = keyof typeof GROUP_KEYS;

const KEY_NAMES = Object.keys(GROUP_KEYS) as GroupKey[];
const keyOf = (flag: string, name: string): GroupKey => {
  const k = name.trim() as GroupKey;
  if (!Object.hasOwn(GROUP_KEYS, k)) throw new UserError(`${flag} "${name}": unknown key`, `use one of ${KEY_NAMES.join(', ')}`);
  return k;
};

/** `--group-by server-engine` (or several, comma-separated: `server-engine,model`). */
export function parseGroupBy(text: string): GroupKey[] {
  const keys = text.split(',').filter((s) => s.trim() !== '');
  if (keys.length === 0) throw new UserError(`--group-by "${text}": no key given`, `use one of ${KEY_NAMES.join(', ')}`);
  return keys.map((k) => keyOf('--group-by', k));
}

export interface PointFilter {
  key: GroupKey;
  value: string;
}

/** `--filter traffic=D(100,100)`; values compare without spaces, so `D(100, 100)` matches too. */
export function parseFilter(text: string): PointFilter {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UserError(`--filter "${text}": expected key=value`, `e.g. --filter traffic=D(100,100); keys: ${KEY_NAMES.join(', ')}`);
  return { key: keyOf('--filter', text.slice(0, eq)), value: text.slice(eq + 1) };
}

const squash = (s: string): string => s.replace(/\s+/g, '');

/** Points meeting every filter (filters on the same key: any of their values). */
export function filterPoints(points: StagePoint[], filters: PointFilter[]): StagePoint[] {
  const byKey = new Map<GroupKey, string[]>();
  for (const f of filters) byKey.set(f.key, [...(byKey.get(f.key) ?? []), squash(f.value)]);
  return points.filter((p) => [...byKey].every(([k, values]) => values.includes(squash(GROUP_KEYS[k](p)))));
}

/**
 * The curve a point belongs to: its group-by values, and its traffic shape when
 * the points have several and traffic is not a group key already (one curve
 * per experiment and per traffic shape).
 */
export function seriesLabeller(points: StagePoint[], groupBy: GroupKey[]): (p: StagePoint) => string {
  const traffics = new Set(points.map((p) => p.traffic));
  const withTraffic = traffics.size > 1 && !groupBy.includes('traffic');
  return (p) => {
    const parts = groupBy.map((k) => GROUP_KEYS[k](p) || `(no ${k})`);
    if (withTraffic) parts.push(p.traffic || '(no traffic)');
    return parts.join(' · ');
  };
}
