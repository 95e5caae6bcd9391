import type { RunConfig } from '../config/resolve.js';
import { MetricsAggregate } from '../metrics/aggregate.js';
import { buildLlmSummary } from '../metrics/llm-summary.js';
import { aggregateFigures, summaryHistograms } from '../metrics/summarize.js';
import type { HistoryRow, RunAction, RunSummary, ScenarioSummary, StageSummary } from '../metrics/summary-types.js';
import type { GeneratorOverload } from './generator-load.js';
import { SUMMARY_VERSION } from '../metrics/summary-types.js';
import { packageVersion } from '../util/package-root.js';
import { isOpenModel } from './executors/index.js';
import type { ScenarioRunner } from './scenario-runner.js';
import type { NameWatch } from '../metrics/name-watch.js';
type SummaryFigures = ReturnType<typeof aggregateFigures>;

/** What a run knows when its summary is built: plain values, read once. */
export interface SummaryInputs {
  cfg: RunConfig;
  /** The totals and the interval not yet folded in, together. */
  live: MetricsAggregate;
  /** performance.now() of the load's start (0: it never started), of the stop (or now), and of the figures' start (resetStats). */
  loadStartedAt: number;
  endAt: number;
  statsStartedAt: number;
  /** Wall clock of the run's start and stop (0: not stopped). */
  startedWall: number;
  stoppedWall: number;
  workers: number;
  peakUsers: number;
  interrupted: boolean;
  stopReason: string;
  scenarioHash?: string;
  timedOut: string[];
  overload: GeneratorOverload | undefined;
  stages: StageSummary[];
  /** The scenarios' runners when their figures are kept apart. */
  scenarios?: ScenarioRunner[];
  /** Read after the figures (it may warn of growing names). */
  names: () => ReturnType<NameWatch['update']>;
  /** Called with the figures once computed, before the names are read (the end-of-run warnings). */
  onFigures?: (figures: SummaryFigures, overload: GeneratorOverload | undefined) => void;
  history: HistoryRow[];
  actions: RunAction[];
}

/** summary.json's content from what the run measured (docs/summary-json.md). */
export function buildRunSummary(inp: SummaryInputs): RunSummary {
  const { cfg, live } = inp;
  const durationMs = inp.loadStartedAt ? inp.endAt - inp.loadStartedAt : 0;
  // After resetStats the figures cover the time since; the run's duration stays the load's.
  const sec = (inp.statsStartedAt && inp.statsStartedAt !== inp.loadStartedAt ? inp.endAt - inp.statsStartedAt : durationMs) / 1000;
  const opts: Record<string, unknown> = { ...cfg, extra: undefined, ...cfg.extra };
  delete opts.extra;
  delete opts.sources;
  const figures = aggregateFigures(live, sec);
  inp.onFigures?.(figures, inp.overload);
  return {
    version: SUMMARY_VERSION,
    meta: {
      tool: 'volley',
      toolVersion: packageVersion(),
      scenario: cfg.scenarioPath,
      startTime: new Date(inp.startedWall).toISOString(),
      endTime: new Date(inp.stoppedWall || Date.now()).toISOString(),
      durationMs: Math.round(durationMs),
      workers: inp.workers,
      users: inp.peakUsers,
      options: JSON.parse(JSON.stringify(opts, (_k, v) => (v === Infinity ? null : v))) as Record<string, unknown>,
      interrupted: inp.interrupted,
      stopReason: inp.stopReason || 'unknown',
      ...(inp.scenarioHash && { scenarioHash: inp.scenarioHash }),
      timedOut: inp.timedOut.length ? [...inp.timedOut] : undefined,
    },
    generatorOverloaded: inp.overload !== undefined,
    generatorOverload: inp.overload,
    ...figures,
    llm: buildLlmSummary(live, sec, Boolean(cfg.extra.slo)),
    stages: inp.stages.length ? inp.stages : undefined,
    scenarios: inp.scenarios?.map((r) => scenarioSummary(r, cfg, inp.loadStartedAt, inp.endAt)),
    names: inp.names(),
    history: inp.history,
    ...(inp.actions.length > 0 && { actions: [...inp.actions] }),
    histograms: summaryHistograms(live),
  };
}

function scenarioSummary(r: ScenarioRunner, cfg: RunConfig, loadStartedAt: number, runEnd: number): ScenarioSummary {
  const agg = r.figures ?? new MetricsAggregate(cfg.extra.maxNames);
  const started = r.startedAt || runEnd;
  const durationMs = Math.max(0, (r.endedAt || runEnd) - started);
  const sec = durationMs / 1000;
  return {
    name: r.scenario.name,
    executor: r.executor.name,
    startTimeMs: r.startedAt ? Math.round(r.startedAt - loadStartedAt) : r.scenario.startTimeMs,
    durationMs: Math.round(durationMs),
    endReason: r.endReason,
    peakUsers: isOpenModel(r.scenario) ? r.scenario.maxUsers : r.peakUsers,
    ...aggregateFigures(agg, sec),
  };
}
