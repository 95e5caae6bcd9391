import { normalize } from 'node:path';
import type { ThresholdSpec } from '../../api/options.js';
import { ExitCode, UserError } from '../../errors.js';
import { MetricsAggregate } from '../../metrics/aggregate.js';
import type { RunSummary } from '../../metrics/summary-types.js';
import { evaluateThresholds, parseThresholds } from '../../thresholds/index.js';
import { parseSegment, partitionProblems, type Segment } from '../segment.js';
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
  const warnings = partitionWarnings(inputs);

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
  if (summary.thresholds?.some((t) => !t.ok)) exitCode = ExitCode.ThresholdsCrossed;
  else if (summary.total.failures > 0) exitCode = typeof options.exitCodeOnError === 'number' ? options.exitCodeOnError : ExitCode.RequestsFailed;
  summary.meta.exitCode = exitCode;
  return { summary, exitCode, warnings };
}

function checkSameScenario(inputs: readonly MergeInput[]): void {
  const first = inputs[0]!;
  const name = (s: RunSummary) => normalize(s.meta.scenario);
  for (const other of inputs.slice(1)) {
    if (name(other.summary) !== name(first.summary)) {
      throw new UserError(
        `cannot merge results of different scenarios: ${first.source} ran ${JSON.stringify(first.summary.meta.scenario)} but ${other.source} ran ${JSON.stringify(other.summary.meta.scenario)}`,
        'merge only the result folders of the instances of one run',
        'E_MERGE',
      );
    }
  }
}

/** Segments that do not tile the plan are worth a warning: a lost instance, or a folder given twice. */
function partitionWarnings(inputs: readonly MergeInput[]): string[] {
  const segs: Segment[] = [];
  for (const i of inputs) {
    const text = i.summary.meta.options.segment;
    if (typeof text !== 'string') continue;
    try {
      segs.push(parseSegment(text));
    } catch {
      return [`${i.source}: its segment ${JSON.stringify(text)} cannot be read; not checking that the segments cover the plan`];
    }
  }
  if (segs.length === 0) return [];
  if (segs.length < inputs.length) return ['some inputs ran a --segment and some did not: they are merged as given'];
  const problems = partitionProblems(segs);
  return problems.length ? [`the segments merged do not make up the whole plan: ${problems.join('; ')}; the figures cover only the segments given`] : [];
}
