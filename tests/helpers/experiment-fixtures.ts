import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExperimentMeta, RunSummary, StageSummary } from '../../src/metrics/summary-types.js';

const SWEEP = new URL('../fixtures/summaries/llm-sweep.json', import.meta.url).pathname;

/** The llm-sweep fixture (six concurrency stages), parsed afresh. */
export function sweepSummary(): RunSummary {
  return JSON.parse(readFileSync(SWEEP, 'utf8')) as RunSummary;
}

/**
 * A sweep over several traffic shapes made from the fixture's stages: each
 * shape gets every stage, its throughput scaled by `scale` and the shape's
 * position, so the curves differ.
 */
export function sweepOverShapes(shapes: string[], scale = 1): StageSummary[] {
  const base = sweepSummary().stages!;
  return shapes.flatMap((traffic, i) =>
    base.map((s) => {
      const st = structuredClone(s);
      st.traffic = traffic;
      st.name = `c=${st.concurrency} ${traffic}`;
      st.llm!.outputTokensPerSec *= scale * (1 + i * 0.5);
      st.llm!.outputSpeedTokPerS.p50 *= scale / (1 + i * 0.5);
      return st;
    }),
  );
}

/**
 * An experiment root holding one run folder per entry, each a summary.json
 * with `experiment` metadata as `bench run --experiment-dir` writes it.
 */
export function experimentRoot(runs: Array<{ name: string; serverEngine: string; model?: string; shapes: string[]; scale: number }>): string {
  const root = mkdtempSync(join(tmpdir(), 'volley-exp-'));
  for (const r of runs) {
    const s = sweepSummary();
    s.stages = sweepOverShapes(r.shapes, r.scale);
    const meta: ExperimentMeta = {
      name: r.name,
      provider: 'openai',
      serverEngine: r.serverEngine,
      serverVersion: '0.9',
      serverGpuType: 'H100',
      serverGpuCount: 8,
      model: r.model ?? 'llama-3.1-8b-instruct',
      traffic: r.shapes,
      options: s.meta.options,
      volleyVersion: '0.1.0',
      startedAt: s.meta.startTime,
    };
    s.experiment = meta;
    mkdirSync(join(root, r.name));
    writeFileSync(join(root, r.name, 'summary.json'), JSON.stringify(s));
  }
  return root;
}
