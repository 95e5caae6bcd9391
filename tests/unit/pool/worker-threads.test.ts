import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkerThreads } from '../../../src/pool/pool.js';

describe('WorkerThreads', () => {
  it('a thread that fails to load before it has a task does not end the process: the error is kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'volley-threads-'));
    const bad = join(dir, 'bad-worker.mjs');
    writeFileSync(bad, "throw new Error('cannot load');\n");
    const threads = new WorkerThreads(1, bad);
    // Unheard, piscina's 'error' event would be an uncaught exception here (vitest fails the run on it).
    await expect.poll(() => threads.startError?.message, { timeout: 10_000 }).toBe('cannot load');
    await threads.destroy();
  });
});
