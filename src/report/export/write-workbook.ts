import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { RunResults } from '../experiments/runs.js';
import { buildWorkbook } from './workbook.js';

/** Builds the workbook and writes it atomically; a place that cannot be written is a user error naming it. */
export async function writeWorkbook(runs: RunResults[], path: string, minUserTps: number): Promise<string> {
  const data = Buffer.from(await buildWorkbook(runs, minUserTps).xlsx.writeBuffer());
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomic(path, data);
  } catch (err) {
    throw new UserError(`--xlsx ${path}: cannot write there (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'give a file in a folder you can write to');
  }
  return path;
}
