import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { loadRuns } from '../report/experiments/runs.js';

interface ExportIo {
  stdout: NodeJS.WritableStream;
}

/** GenAI Bench's floor for "still usable": 10 output tokens per second per user. */
const DEFAULT_MIN_USER_TPS = 10;

function parseMinUserTps(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) throw new UserError(`--min-user-tps "${text}": expected a number of tokens per second, 0 or more`, 'e.g. --min-user-tps 10');
  return n;
}

/**
 * `bench export <dir…> --xlsx results.xlsx`: a spreadsheet of the runs (docs/experiments.md).
 */
export function registerExportCommand(program: Command, io: ExportIo): void {
  program
    .command('export')
    .description('write the runs as an Excel workbook: a summary per experiment and every stage\'s figures')
    .argument('<dirs...>', 'run folders (bench run --out) or experiment roots (bench run --experiment-dir)')
    .requiredOption('--xlsx <file>', 'the .xlsx file to write')
    .option('--min-user-tps <n>', 'the output tokens/s per user a concurrency must keep to count as served', String(DEFAULT_MIN_USER_TPS))
    .action(async (dirs: string[], opts: { xlsx: string; minUserTps: string }) => {
      const minUserTps = parseMinUserTps(opts.minUserTps);
      if (!/\.xlsx$/i.test(opts.xlsx)) throw new UserError(`--xlsx ${opts.xlsx}: expected a file name ending in .xlsx`, 'e.g. --xlsx results.xlsx');
      const runs = loadRuns(dirs);
      const { writeWorkbook } = await import('../report/export/write-workbook.js');
      const path = await writeWorkbook(runs, resolve(opts.xlsx), minUserTps);
      io.stdout.write(`wrote ${path} (${runs.length} experiment${runs.length === 1 ? '' : 's'})\n`);
    });
}
