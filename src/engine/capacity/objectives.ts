import type { CapacityStep, StageSummary } from '../../metrics/summary-types.js';
import { evaluateThresholds, type Threshold, type ThresholdView } from '../../thresholds/index.js';

/** The figures of one step as the thresholds' catalog reads them. */
function stepView(stage: StageSummary): ThresholdView {
  return { total: stage.total, endpoints: stage.endpoints, llm: stage.llm, checks: [], tasks: [], errors: [] } as unknown as ThresholdView;
}

/**
 * One step's verdict: each objective evaluated on the step's own figures
 * (warm-up excluded), as --threshold is on a run's. An objective without data
 * at the step (no request completed) fails it, and so does over-saturation.
 */
export function judgeStep(level: number, stage: StageSummary, objectives: readonly Threshold[]): CapacityStep {
  const results = evaluateThresholds(objectives, stepView(stage));
  const figures: Record<string, number | null> = {};
  const failed: string[] = [];
  results.forEach((r, i) => {
    figures[objectives[i]!.expression] = r.value;
    if (r.value === null || !r.ok) failed.push(objectives[i]!.expression);
  });
  const saturated = Boolean(stage.saturation?.saturated);
  if (saturated) failed.push('saturated');
  return {
    level,
    passed: failed.length === 0,
    figures,
    failed,
    saturated,
    ...(saturated && { saturation: stage.saturation!.reasons }),
    durationMs: stage.durationMs,
    rps: stage.total.rps,
  };
}

/**
 * Of the objectives a step failed, the one furthest past its limit (value
 * over limit, or limit over value for a floor); over-saturation only when no
 * objective failed.
 */
export function worstFailure(step: CapacityStep, objectives: readonly Threshold[]): string | undefined {
  let worst: { name: string; by: number } | undefined;
  for (const t of objectives) {
    if (!step.failed.includes(t.expression)) continue;
    const v = step.figures[t.expression];
    const by = v === null || v === undefined ? Infinity : t.op.startsWith('<') ? v / Math.max(1e-9, t.limit) : t.limit / Math.max(1e-9, v);
    if (!worst || by > worst.by) worst = { name: t.expression, by };
  }
  return worst?.name ?? (step.saturated ? 'saturated' : undefined);
}
