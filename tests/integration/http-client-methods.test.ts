/**
 * The HTTP client's methods taken apart from it (`const { get } = this.client`)
 * work as its own: the client is one object whose methods are bound on first
 * use (bench:memory), and each stays bound to its own user's client.
 */
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpUser } from '../../src/api/user.js';
import { constant } from '../../src/api/wait.js';
import { createHttpClient } from '../../src/clients/http.js';
import { SocketPool } from '../../src/clients/wire/socket-pool.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import type { WorkerOptions } from '../../src/pool/protocol.js';
import type { UserClass } from '../../src/runtime/load-scenario.js';
import { VirtualUser, type UserHost } from '../../src/runtime/virtual-user.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
let agent: Agent;
const sockets = new SocketPool();
beforeAll(async () => {
  target = await startTargetServer();
  agent = new Agent({ connections: 4 });
});
afterAll(async () => {
  await agent.close();
  sockets.close();
  await target.close();
});

function client(recorder: MetricsRecorder) {
  return createHttpClient({ recorder, dispatcher: agent, sockets, baseUrl: target.url, requestTimeoutMs: 60_000, random: Math.random, hardStop: new AbortController().signal, options: {} });
}

const requestsOf = (r: MetricsRecorder) => r.takeDelta().endpoints.reduce((n, e) => n + e.requests, 0);

describe('destructured client methods', () => {
  it('every method works taken apart from its client, and records to that client', async () => {
    const mine = new MetricsRecorder();
    const other = new MetricsRecorder();
    const { get, post, put, patch, delete: del, head, request } = client(mine);
    // Another user's client made after: the methods taken above stay with the first.
    const { get: otherGet } = client(other);
    expect((await get('/items/3')).json()).toEqual({ id: 3 });
    for (const [send, method] of [[post, 'POST'], [put, 'PUT'], [patch, 'PATCH'], [del, 'DELETE']] as const) {
      expect((await send('/echo', { body: 'x' })).json<{ method: string }>().method).toBe(method);
    }
    expect((await head('/bytes/10')).status).toBe(200);
    expect((await request('options', '/echo')).json<{ method: string }>().method).toBe('OPTIONS');
    expect(requestsOf(mine)).toBe(7);
    expect(requestsOf(other)).toBe(0);
    await otherGet('/items/1');
    expect(requestsOf(other)).toBe(1);
    expect(requestsOf(mine)).toBe(0);
  });

  it('a method read twice is the same function, and reading it is not a request', async () => {
    const recorder = new MetricsRecorder();
    const http = client(recorder);
    expect(http.get).toBe(http.get);
    expect(http.post).not.toBe(http.get);
    expect(requestsOf(recorder)).toBe(0);
  });
});

describe('a virtual user whose task destructures this.client', () => {
  it('sends its requests, and an idle user (an hour of wait time) ends at once when stopped', async () => {
    const before = target.hits.get('GET /items/9') ?? 0;
    class Destructurer extends HttpUser {
      static tasks = { go: 1 };
      waitTime = constant(3600);
      async go(): Promise<void> {
        const { get } = this.client;
        await get('/items/9');
      }
    }
    const recorder = new MetricsRecorder();
    let tasks = 0;
    const host: UserHost = {
      options: { seed: 1, requestTimeoutMs: 10_000, extra: {} } as unknown as WorkerOptions,
      recorder,
      dispatcher: agent,
      sockets,
      hardStop: new AbortController().signal,
      filter: {},
      setupData: undefined,
      stopping: false,
      resolveHost: () => target.url,
      fatal: (err) => {
        throw err;
      },
      stageTurn: () => true,
      warnOnce: () => undefined,
      takeIteration: () => true,
      finishIteration: () => void tasks++,
    };
    const ended: VirtualUser[] = [];
    const vu = new VirtualUser(Destructurer as unknown as UserClass, 0, host, [], { onEnded: (u) => ended.push(u) });
    // The task ran once and the user sleeps its hour.
    while (tasks === 0) await new Promise((r) => setTimeout(r, 10));
    expect(ended).toEqual([]);
    vu.stop();
    // Without the stop cutting the sleep short this would wait an hour (the test's timeout fails it).
    await vu.done;
    expect(ended).toEqual([vu]);
    expect(tasks).toBe(1);
    expect((target.hits.get('GET /items/9') ?? 0) - before).toBe(1);
    expect(recorder.takeDelta().endpoints).toMatchObject([{ name: '/items/9', requests: 1, failures: 0 }]);
  });
});
