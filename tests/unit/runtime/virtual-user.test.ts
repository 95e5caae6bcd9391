import { SocketPool } from '../../../src/clients/wire/pool.js';
import { Agent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { User } from '../../../src/api/user.js';
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

function host(fatal: unknown[]): UserHost & { recorder: MetricsRecorder } {
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
});
