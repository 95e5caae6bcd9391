import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A debugging aid for bench/user-memory.ts, off unless VOLLEY_MEMORY_PROBE
 * names a folder: when the stop message arrives (every user still in place),
 * the worker collects its garbage and writes its heap figures to
 * `worker-<index>.json` there, and with VOLLEY_HEAP_SNAPSHOT=1 a heap
 * snapshot beside them. Loaded only when asked for (worker.ts imports it then).
 */

/** What a worker writes: its isolate's heap after a full collection, in bytes. */
export interface MemoryProbe {
  workerIndex: number;
  users: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  rss: number;
}

export function probeMemory(dir: string, workerIndex: number, users: number): void {
  collectGarbage();
  const m = process.memoryUsage();
  const probe: MemoryProbe = { workerIndex, users, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss };
  writeFileSync(join(dir, `worker-${workerIndex}.json`), JSON.stringify(probe));
  if (process.env.VOLLEY_HEAP_SNAPSHOT === '1') writeHeapSnapshot(join(dir, `worker-${workerIndex}.heapsnapshot`));
}

/** A full collection without --expose-gc on the command line: the flag is set now and gc() taken from a fresh context. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
