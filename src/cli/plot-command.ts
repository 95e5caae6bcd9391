import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadRuns, parseFilter, parseGroupBy } from '../report/experiments/runs.js';

interface PlotIo {
  stdout: NodeJS.WritableStream;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/**
 * `bench plot <dir…> --out plots/`: GenAI Bench's chart grid across runs and
 * experiments (docs/experiments.md). Bad folders, keys and filters are user
 * errors (exit 2).
 */
export function registerPlotCommand(program: Command, io: PlotIo): void {
  program
    .command('plot')
    .description('charts across runs and experiments (PNG, SVG and an index.html): speed, TTFT, E2E, errors and throughput per stage')
    .argument('<dirs...>', 'run folders (bench run --out) or experiment roots (bench run --experiment-dir)')
    .option('--out <dir>', 'folder for the charts', 'plots')
    .option('--group-by <keys>', 'one curve per value of: experiment, provider, server-engine, server-version, server-gpu-type, server-gpu-count, model, traffic, concurrency (comma-separated for several)', 'experiment')
    .option('--filter <key=value>', 'only stages with this value, e.g. traffic=D(100,100) (repeatable)', collect)
    .action(async (dirs: string[], opts: { out: string; groupBy: string; filter?: string[] }) => {
      const groupBy = parseGroupBy(opts.groupBy);
      const filters = (opts.filter ?? []).map(parseFilter);
      const runs = loadRuns(dirs);
      // Vega and the rasterizer load only for this command.
      const { writePlots } = await import('../report/plot/write-plots.js');
      const result = await writePlots(runs, { outDir: resolve(opts.out), groupBy, filters });
      io.stdout.write(`${result.charts.length} charts of ${runs.length} run${runs.length === 1 ? '' : 's'}, ${result.series.length} curve${result.series.length === 1 ? '' : 's'}: ${result.series.join('; ')}\n`);
      for (const f of result.files) io.stdout.write(`wrote ${f}\n`);
    });
}
