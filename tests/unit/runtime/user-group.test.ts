import { Agent } from 'undici';
import { afterAll, expect, it } from 'vitest';
import { User } from '../../../src/api/user.js';
import { SocketPool } from '../../../src/clients/wire/socket-pool.js';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import type { WorkerOptions } from '../../../src/pool/protocol.js';
import type { UserClass } from '../../../src/runtime/load-scenario.js';
import { START_BATCH, UserGroup, type GroupOwner } from '../../../src/runtime/user-group.js';

const agent = new Agent();
afterAll(() => agent.close());

class Idle extends User {
  static tasks = { nap: 1 };
  async nap(): Promise<void> {
    await new Promise((r) => setTimeout(r, 5));
  }
}

it('starts a large count of users in batches, so the worker can report in between', async () => {
  let id = 0;
  const owner: GroupOwner = {
    options: { seed: 1, requestTimeoutMs: 1000, extra: {} } as unknown as WorkerOptions,
    dispatcher: agent,
    sockets: new SocketPool(),
    hardStop: new AbortController(),
    setupData: undefined,
    stopping: false,
    resolveHost: () => undefined,
    nextUserId: () => id++,
    onExhausted: () => undefined,
    onRetired: () => undefined,
    onIdle: () => undefined,
    onFatal: () => undefined,
    warnOnce: () => undefined,
    hookTimedOut: () => undefined,
    pastEnd: () => false,
  };
  const group = new UserGroup({ name: 'default', model: 'closed', separateStats: false }, owner, new MetricsRecorder(), new Map([['Idle', Idle as unknown as UserClass]]), []);
  const total = 2 * START_BATCH + 10;
  group.setUsers({ Idle: total });
  // The first batch now; the rest on later turns of the event loop.
  expect(group.userCount).toBe(START_BATCH);
  await new Promise((r) => setImmediate(r));
  expect(group.userCount).toBe(2 * START_BATCH);
  // A lower count meanwhile replaces the rest of the start.
  group.setUsers({ Idle: 5 });
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  expect(group.userCount).toBe(5);
  group.stop();
  await Promise.all(group.allUsers().map((u) => u.done));
});
