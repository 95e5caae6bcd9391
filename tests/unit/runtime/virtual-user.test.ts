import { SocketPool } from '../../../src/clients/wire/socket-pool.js';
import { Agent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { User } from '../../../src/api/user.js';
import { constantPacing } from '../../../src/api/wait.js';
import { UserError } from '../../../src/errors.js';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import type { WorkerOptions } from '../../../src/pool/protocol.js';
import type { UserClass } from '../../../src/runtime/load-scenario.js';
import { VirtualUser, type ClientAttacher, type UserHost } from '../../../src/runtime/virtual-user.js';

const agent = new Agent();
afterAll(() => agent.close());

class Runner extends User {
  static tasks = { go: 1 };
  runs = 0;
  go(): void {
    this.runs++;
  }
}

function host(fatal: unknown[], warnings: string[] = []): UserHost & { recorder: MetricsRecorder } {
  let left = 3;
  return {
    options: { seed: 1, requestTimeoutMs: 1000, extra: {} } as unknown as WorkerOptions,
    recorder: new MetricsRecorder(),
    dispatcher: agent,
    sockets: new SocketPool(),
    hardStop: new AbortController().signal,
    filter: {},
    setupData: undefined,
    stopping: false,
    resolveHost: () => undefined,
    fatal: (err) => fatal.push(err),
    stageTurn: () => true,
    warnOnce: (key, message) => void (warnings.some((w) => w.startsWith(key + ' ')) || warnings.push(`${key} ${message}`)),
    takeIteration: () => left-- > 0,
    finishIteration: () => undefined,
  };
}

describe('VirtualUser', () => {
  it('runs its tasks until the iteration budget is used up', async () => {
    const fatal: unknown[] = [];
    const h = host(fatal);
    await new VirtualUser(Runner as unknown as UserClass, 0, h, []).done;
    expect(h.recorder.takeDelta().tasks).toEqual({ go: 3 });
    expect(fatal).toEqual([]);
  });

  it('reports a client it cannot attach as fatal, runs nothing, and settles', async () => {
    const fatal: unknown[] = [];
    const h = host(fatal);
    const bad = new UserError('Chat: unknown provider "nope"');
    const attach: ClientAttacher = () => {
      throw bad;
    };
    await expect(new VirtualUser(Runner as unknown as UserClass, 0, h, [attach]).done).resolves.toBeUndefined();
    expect(fatal).toEqual([bad]);
    expect(h.recorder.takeDelta().tasks).toEqual({});
  });

  it('warns once when a task takes longer than its constantPacing interval', async () => {
    class Slow extends User {
      static tasks = { go: 1 };
      waitTime = constantPacing(0.01);
      async go(): Promise<void> {
        await new Promise((r) => setTimeout(r, 30));
      }
    }
    const fatal: unknown[] = [];
    const warnings: string[] = [];
    await new VirtualUser(Slow as unknown as UserClass, 0, host(fatal, warnings), []).done;
    expect(fatal).toEqual([]);
    expect(warnings).toEqual([
      'pacing:Slow Slow: a task took longer than its pacing interval of 0.01 s (constantPacing/constantThroughput): tasks run back to back, fewer per second than the pacing asks; lengthen the interval or add users',
    ]);
  });
});
