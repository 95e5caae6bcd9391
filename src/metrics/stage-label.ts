/**
 * The name of a sweep stage: its concurrency, its batch size when the sweep
 * sets one (--batch-size), and its traffic when the sweep sets one (bench
 * merge matches stages by it).
 */
export function stageLabel(concurrency: number, traffic?: string, batchSize?: number): string {
  return `c=${concurrency}${batchSize !== undefined ? ` b=${batchSize}` : ''}${traffic ? ` ${traffic}` : ''}`;
}

/** A sweep's batch sizes: one stage each when --batch-size lists more than one. */
export function sweptBatchSizes(batchSize: unknown): Array<number | undefined> {
  return Array.isArray(batchSize) && batchSize.length > 1 ? (batchSize as number[]) : [undefined];
}

/** Every stage a sweep's options plan, in the order it runs them. */
export function plannedStageLabels(options: { concurrency?: unknown; traffic?: unknown; users?: unknown; batchSize?: unknown }): string[] {
  const levels = Array.isArray(options.concurrency) ? (options.concurrency as number[]) : [typeof options.users === 'number' && options.users > 0 ? options.users : 1];
  const t = options.traffic;
  const traffic = t === undefined ? [''] : Array.isArray(t) ? (t as string[]) : [String(t)];
  const batches = sweptBatchSizes(options.batchSize);
  return traffic.flatMap((tr) => batches.flatMap((b) => levels.map((c) => stageLabel(c, tr, b))));
}

/** A rate sweep's or capacity step's stage name: `rate=40/s`. */
export function rateStageLabel(ratePerSec: number): string {
  return `rate=${Math.round(ratePerSec * 1000) / 1000}/s`;
}

/** A rate sweep's stages (--rate-sweep), in order; [] when the options have none. */
export function plannedRateLabels(options: { rateSweep?: unknown }): string[] {
  return Array.isArray(options.rateSweep) ? (options.rateSweep as unknown[]).filter((r): r is number => typeof r === 'number').map(rateStageLabel) : [];
}
