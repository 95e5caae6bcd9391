/**
 * The HTTP client on its own against a real server: the per-request timeout
 * (under a second the client keeps its own timer, as undici's are coarse).
 */
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/clients/http.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
let agent: Agent;
beforeAll(async () => {
  target = await startTargetServer();
  agent = new Agent({ connections: 4 });
});
afterAll(async () => {
  await agent.close();
  await target.close();
});

function client(recorder: MetricsRecorder) {
  return createHttpClient({
    recorder,
    dispatcher: agent,
    baseUrl: target.url,
    requestTimeoutMs: 60_000,
    random: Math.random,
    hardStop: new AbortController().signal,
    options: {},
  });
}

describe('request timeout', () => {
  it('fails a request that outlives a sub-second timeout with a timeout message', async () => {
    const recorder = new MetricsRecorder();
    const res = await client(recorder).get('/slow/2000', { timeout: 100 });
    expect(res.status).toBe(0);
    expect(res.error).toMatch(/^timeout/);
    const d = recorder.takeDelta();
    expect(d.endpoints).toMatchObject([{ method: 'GET', name: '/slow/2000', requests: 1, failures: 1 }]);
    expect(d.errors).toEqual([{ method: 'GET', name: '/slow/2000', message: 'timeout: no complete response within 100 ms', count: 1 }]);
  });

  it('leaves a request that answers in time alone', async () => {
    const recorder = new MetricsRecorder();
    const http = client(recorder);
    const res = await http.get('/slow/10', { timeout: 500 });
    expect(res.status).toBe(200);
    expect(res.text()).toBe('slow');
    expect(recorder.takeDelta().errors).toEqual([]);
  });
});
