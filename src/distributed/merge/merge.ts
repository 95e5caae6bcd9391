import { normalize } from 'node:path';
import type { ThresholdSpec } from '../../api/options.js';
import { ExitCode, UserError } from '../../errors.js';
import { MetricsAggregate } from '../../metrics/aggregate.js';
import type { RunSummary } from '../../metrics/summary-types.js';
import { evaluateThresholds, parseThresholds } from '../../thresholds/index.js';
import { parseSegment, type Segment } from '../../config/segment.js';
import { partitionProblems } from '../../engine/segment.js';
import { aggregateFromSummary, summaryFromAggregate } from './aggregate-io.js';
import { mergeHistories } from './history.js';
import { mergeStages } from './stages.js';

/** What the merged summary says about each instance it was made from. */
export interface InstanceMeta {
  /** Where its summary came from (the folder given to bench merge). */
  source: string;
  segment?: string;
  startTime: string;
  endTime: string;
  durationMs: number;
  users: number;
  workers: number;
  requests: number;
  failures: number;
  stopReason: string;
  interrupted: boolean;
  exitCode?: number;
}

/** summary.json of a merge: a RunSummary whose meta also lists the instances. */
export type MergedSummary = RunSummary & { meta: RunSummary['meta'] & { instances: InstanceMeta[] } };

export interface MergeInput {
  /** A name for messages (the folder). */
  source: string;
  summary: RunSummary;
}

export interface MergeOptions {
  /** Thresholds to judge the merged figures by; default: those the runs were given. */
  thresholds?: ThresholdSpec[];
}

export interface MergeResult {
  summary: MergedSummary;
  /** The exit code `bench run` would have given the same figures. */
  exitCode: number;
  /** Things worth telling the user that do not stop the merge. */
  warnings: string[];
}

/**
 * Merges the summaries of the instances of one distributed run into the
 * summary one machine would have written for the same samples: endpoint and
 * trend histograms are decoded and added (exact), counts summed, the LLM
 * section rebuilt from the merged metrics, thresholds evaluated again.
 * Summaries of different scenarios are refused.
 */
export function mergeSummaries(inputs: readonly MergeInput[], opts: MergeOptions = {}): MergeResult {
  if (inputs.length === 0) throw new UserError('nothing to merge', 'give the result folders of the instances, e.g. bench merge results/0 results/1 --out results/all', 'E_MERGE');
  checkSameScenario(inputs);
  checkSamePlan(inputs);
  const { warnings, incomplete } = partitionCoverage(inputs);

  // The instances' own cap on distinct names (--max-names): the merge keeps as many.
  const maxNames = Math.max(0, ...inputs.map((i) => Number(i.summary.meta.options?.maxNames) || 0)) || undefined;
  const agg = new MetricsAggregate(maxNames);
  for (const { source, summary } of inputs) agg.addAggregate(aggregateFromSummary(summary, source, maxNames));

  const metas = inputs.map((i) => i.summary.meta);
  const first = metas[0]!;
  const options: Record<string, unknown> = { ...first.options };
  delete options.segment;
  delete options.out;
  const stopReasons = [...new Set(metas.map((m) => m.stopReason))];
  const meta: MergedSummary['meta'] = {
    tool: 'volley',
    toolVersion: first.toolVersion,
    scenario: first.scenario,
    startTime: new Date(Math.min(...metas.map((m) => Date.parse(m.startTime)))).toISOString(),
    endTime: new Date(Math.max(...metas.map((m) => Date.parse(m.endTime)))).toISOString(),
    // The instances ran side by side: the fleet ran as long as the longest.
    durationMs: Math.max(...metas.map((m) => m.durationMs)),
    workers: metas.reduce((a, m) => a + m.workers, 0),
    users: metas.reduce((a, m) => a + m.users, 0),
    options,
    interrupted: metas.some((m) => m.interrupted),
    stopReason: stopReasons.length === 1 ? stopReasons[0]! : `instances stopped differently: ${stopReasons.map((r) => `${r} ×${metas.filter((m) => m.stopReason === r).length}`).join(', ')}`,
    instances: inputs.map(({ source, summary: s }) => ({
      source,
      ...(typeof s.meta.options.segment === 'string' && { segment: s.meta.options.segment }),
      startTime: s.meta.startTime,
      endTime: s.meta.endTime,
      durationMs: s.meta.durationMs,
      users: s.meta.users,
      workers: s.meta.workers,
      requests: s.total.requests,
      failures: s.total.failures,
      stopReason: s.meta.stopReason,
      interrupted: s.meta.interrupted,
      ...(s.meta.exitCode !== undefined && { exitCode: s.meta.exitCode }),
    })),
  };

  const summary = summaryFromAggregate(agg, {
    meta,
    hasSlo: Boolean(options.slo),
    history: mergeHistories(inputs.map((i) => ({ rows: i.summary.history }))),
    stages: mergeStages(inputs.map((i) => i.summary.stages)),
  }) as MergedSummary;

  const specs = opts.thresholds ?? (Array.isArray(options.thresholds) ? (options.thresholds as ThresholdSpec[]) : []);
  if (opts.thresholds) options.thresholds = opts.thresholds;
  const thresholds = parseThresholds(specs, 'thresholds');
  if (thresholds.length) summary.thresholds = evaluateThresholds(thresholds, summary);

  let exitCode: number = ExitCode.Success;
  // Partial figures (an instance missing) outrank their verdict, as an interrupted run's do.
  if (incomplete.length > 0) {
    summary.meta.incomplete = incomplete;
    exitCode = ExitCode.MergeIncomplete;
  } else if (summary.thresholds?.some((t) => !t.ok)) exitCode = ExitCode.ThresholdsCrossed;
  else if (summary.total.failures > 0) exitCode = typeof options.exitCodeOnError === 'number' ? options.exitCodeOnError : ExitCode.RequestsFailed;
  summary.meta.exitCode = exitCode;
  return { summary, exitCode, warnings };
}

/**
 * One scenario, known by content: summaries that record the hash of their
 * sources are compared by it, whatever path the scenario was given by;
 * older summaries by path.
 */
function checkSameScenario(inputs: readonly MergeInput[]): void {
  const first = inputs[0]!;
  const name = (s: RunSummary) => normalize(s.meta.scenario);
  for (const other of inputs.slice(1)) {
    const [a, b] = [first.summary.meta.scenarioHash, other.summary.meta.scenarioHash];
    const differ = a && b ? a !== b : name(other.summary) !== name(first.summary);
    if (differ) {
      const ran = (i: MergeInput) => `${JSON.stringify(i.summary.meta.scenario)}${a && b ? ` (sources ${i.summary.meta.scenarioHash})` : ''}`;
      throw new UserError(
        `cannot merge results of different scenarios: ${first.source} ran ${ran(first)} but ${other.source} ran ${ran(other)}`,
        a && b && name(other.summary) === name(first.summary) ? 'the files at that path differ between the instances: run the same scenario on every instance' : 'merge only the result folders of the instances of one run',
        'E_MERGE',
      );
    }
  }
}

/**
 * The options that make the plan the segments are parts of: segments of
 * different plans (-u 24 -t 3s and -u 12 -t 5s) do not make one run. Separate
 * runs without --segment may differ (each machine its own load).
 */
const PLAN_OPTIONS = ['users', 'spawnRate', 'durationMs', 'iterations', 'scenarios', 'userClasses', 'tags', 'excludeTags'] as const;

function checkSamePlan(inputs: readonly MergeInput[]): void {
  if (!inputs.every((i) => typeof i.summary.meta.options.segment === 'string')) return;
  const first = inputs[0]!;
  const show = (v: unknown): string => {
    const text = JSON.stringify(v) ?? 'unset';
    return text.length > 60 ? `${text.slice(0, 57)}…` : text;
  };
  for (const other of inputs.slice(1)) {
    const differ = PLAN_OPTIONS.filter((k) => JSON.stringify(first.summary.meta.options[k]) !== JSON.stringify(other.summary.meta.options[k]));
    if (differ.length === 0) continue;
    throw new UserError(
      `cannot merge segments of different plans: ${differ.map((k) => `${k} is ${show(first.summary.meta.options[k])} in ${first.source} but ${show(other.summary.meta.options[k])} in ${other.source}`).join('; ')}`,
      'every instance of one run takes the same options (-u, -t, load model) and its own --segment',
      'E_MERGE',
    );
  }
}

/**
 * Segments that do not tile the plan: a lost instance, or overlapping ones.
 * Such a merge is marked incomplete (summary.json, reports, exit code); other
 * doubts are warnings.
 */
function partitionCoverage(inputs: readonly MergeInput[]): { warnings: string[]; incomplete: string[] } {
  const segs: Segment[] = [];
  for (const i of inputs) {
    const text = i.summary.meta.options.segment;
    if (typeof text !== 'string') continue;
    try {
      segs.push(parseSegment(text));
    } catch {
      return { warnings: [`${i.source}: its segment ${JSON.stringify(text)} cannot be read; not checking that the segments cover the plan`], incomplete: [] };
    }
  }
  if (segs.length === 0) return { warnings: [], incomplete: [] };
  if (segs.length < inputs.length) return { warnings: ['some inputs ran a --segment and some did not: they are merged as given'], incomplete: [] };
  const problems = partitionProblems(segs);
  if (problems.length === 0) return { warnings: [], incomplete: [] };
  return {
    warnings: [`the segments merged do not make up the whole plan: ${problems.join('; ')}; the figures cover only the segments given (marked incomplete, exit code ${ExitCode.MergeIncomplete})`],
    incomplete: problems,
  };
}
