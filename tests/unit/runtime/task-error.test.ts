import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeTaskError, MAX_TASK_FRAMES } from '../../../src/runtime/task-error.js';
import { packageRoot } from '../../../src/util/package-root.js';

const cwd = process.cwd();
const root = packageRoot();

function errorWithStack(message: string, frames: string[]): Error {
  const err = new TypeError(message);
  err.stack = [`TypeError: ${message}`, ...frames.map((f) => `    at ${f}`)].join('\n');
  return err;
}

describe('describeTaskError', () => {
  it("keeps the scenario's own frames only, the first as file:line relative to the working folder", () => {
    const err = errorWithStack("Cannot read properties of undefined (reading 'y')", [
      `readY (file://${join(cwd, 'scenarios/shop.ts')}:5:17)`,
      `async Shopper.buy (${join(cwd, 'scenarios/shop.ts')}:21:5)`,
      `VirtualUser.step (${join(root, 'dist', 'chunks', 'worker.js')}:120:9)`,
      `Agent.dispatch (${join(root, 'node_modules', 'undici', 'index.js')}:1:1)`,
      'process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      `/tmp/elsewhere/lib.ts:3:1`,
    ]);
    expect(describeTaskError(err)).toEqual({
      message: "Cannot read properties of undefined (reading 'y')",
      location: 'scenarios/shop.ts:5',
      frames: ['readY (scenarios/shop.ts:5:17)', 'Shopper.buy (scenarios/shop.ts:21:5)', '/tmp/elsewhere/lib.ts:3:1'],
    });
  });

  it(`keeps at most ${MAX_TASK_FRAMES} frames`, () => {
    const frames = Array.from({ length: 9 }, (_, i) => `f${i} (${join(cwd, 'a.ts')}:${i + 1}:1)`);
    expect(describeTaskError(errorWithStack('x', frames)).frames).toHaveLength(MAX_TASK_FRAMES);
  });

  it('a throw of a non-Error, or an error with no frame of the scenario, has only its message', () => {
    expect(describeTaskError('plain string')).toEqual({ message: 'plain string' });
    expect(describeTaskError(errorWithStack('deep', [`x (${join(root, 'src', 'clients', 'http.ts')}:1:1)`]))).toEqual({ message: 'deep' });
  });
});
