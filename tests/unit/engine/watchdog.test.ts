import { afterEach, describe, expect, it, vi } from 'vitest';
import { Watchdog } from '../../../src/engine/watchdog.js';
import type { WorkerHandle } from '../../../src/pool/pool.js';
import { HEARTBEAT_BYTES } from '../../../src/runtime/heartbeat.js';

/** The part of a worker the watchdog reads: its heartbeat memory, whether it died, its messages. */
function worker(index: number): WorkerHandle & { heartbeat: Int32Array } {
  return { index, died: undefined, heartbeat: new Int32Array(new SharedArrayBuffer(HEARTBEAT_BYTES)), onMessage: () => undefined } as unknown as WorkerHandle & { heartbeat: Int32Array };
}

afterEach(() => vi.useRealTimers());

describe('Watchdog', () => {
  it('a thread that beat once and blocked before the first check is called blocked', () => {
    vi.useFakeTimers({ toFake: ['performance', 'setInterval', 'clearInterval'] });
    const w = worker(0);
    w.heartbeat[0] = 1; // its first beat came before the watchdog was made (a thread started ahead)
    const blocked: number[] = [];
    const dog = new Watchdog([w], (i) => blocked.push(i));
    dog.start();
    vi.advanceTimersByTime(3000);
    dog.stop();
    expect(blocked).toEqual([0]);
  });

  it('a thread that has not beaten yet (still starting) is not', () => {
    vi.useFakeTimers({ toFake: ['performance', 'setInterval', 'clearInterval'] });
    const w = worker(0);
    const blocked: number[] = [];
    const dog = new Watchdog([w], (i) => blocked.push(i));
    dog.start();
    vi.advanceTimersByTime(3000);
    dog.stop();
    expect(blocked).toEqual([]);
  });

  it('a thread that keeps beating is not', () => {
    vi.useFakeTimers({ toFake: ['performance', 'setInterval', 'clearInterval'] });
    const w = worker(0);
    const blocked: number[] = [];
    const dog = new Watchdog([w], (i) => blocked.push(i));
    dog.start();
    for (let t = 0; t < 15; t++) {
      w.heartbeat[0]!++;
      vi.advanceTimersByTime(200);
    }
    dog.stop();
    expect(blocked).toEqual([]);
  });
});
