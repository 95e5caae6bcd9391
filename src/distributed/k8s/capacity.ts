/**
 * How big a load-generator pod should be, from what one core was measured to
 * do (docs/distributed.md, "Sizing"). The figure: one `bench run` instance
 * with one worker thread running bench/scenarios/http-get.ts (one GET per
 * task, no wait, 32 users) against a small Node target on a 2-core machine
 * (the target on the same cores), measured by `npm run bench:segments`:
 * 321,802 requests in 8 s for 4.8 s of the instance's CPU, about 66,700
 * requests per CPU-second (main thread and worker together). Real scenarios
 * do more per request (checks, JSON, LLM streams), hence the headroom.
 */
export const MEASURED_REQUESTS_PER_CORE_SEC = 66_000;

/** Plan for this share of the measured figure, so a pod is never the bottleneck. */
export const PLANNING_HEADROOM = 0.5;

/** Memory of one instance: the main thread, plus each worker's heap and histograms. */
const BASE_MEMORY_MI = 256;
const MEMORY_PER_WORKER_MI = 256;

export interface PodSize {
  /** Whole cores requested; also the number of worker threads. */
  cpu: number;
  memoryMi: number;
  /** Why this size, for a comment in the manifests. */
  basis: string;
}

/**
 * Sizes one instance: from the fleet's target request rate when given
 * (cores = rate per instance / (measured per-core rate × headroom)), else
 * from the worker count, else 2 cores.
 */
export function sizePod(opts: { instances: number; targetRps?: number; workers?: number; cpu?: number }): PodSize {
  let cpu: number;
  let basis: string;
  if (opts.cpu !== undefined) {
    cpu = opts.cpu;
    basis = `--cpu ${opts.cpu}`;
  } else if (opts.targetRps !== undefined) {
    const perInstance = opts.targetRps / opts.instances;
    cpu = Math.max(1, Math.ceil(perInstance / (MEASURED_REQUESTS_PER_CORE_SEC * PLANNING_HEADROOM)));
    basis = `${Math.round(perInstance)} req/s per instance at ${MEASURED_REQUESTS_PER_CORE_SEC * PLANNING_HEADROOM} req/s per core (${MEASURED_REQUESTS_PER_CORE_SEC} measured × ${PLANNING_HEADROOM} headroom)`;
  } else if (opts.workers !== undefined) {
    cpu = opts.workers;
    basis = `--workers ${opts.workers}`;
  } else {
    cpu = 2;
    basis = 'default 2 cores (give --target-rps to size from the measured capacity)';
  }
  return { cpu, memoryMi: BASE_MEMORY_MI + MEMORY_PER_WORKER_MI * cpu, basis };
}
