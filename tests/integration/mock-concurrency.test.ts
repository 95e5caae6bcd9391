/**
 * The mock's concurrency cap: at most N requests served at once, the rest
 * queued first come first served, the wait in their TTFT, and the queue in
 * vllm:num_requests_waiting. With a fixed service time it gives a capacity
 * known in advance, which the capacity search must find.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { runFixture } from '../helpers/run-fixture.js';

const TTFT_MS = 100;
let mock: MockServer | undefined;
afterAll(async () => {
  await mock?.close();
});

async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
  return Number(line?.split(' ').pop());
}

describe('maxConcurrent', () => {
  it('serves N at once, queues the rest in order, and counts them as waiting', async () => {
    mock = await startMockServer({ port: 0, ttftMs: TTFT_MS, itlMs: 0, maxConcurrent: 2 });
    const url = mock.url;
    const send = () =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }),
      }).then((r) => r.json() as Promise<{ choices: unknown[] }>);
    const all = Array.from({ length: 6 }, send);
    // The queue forms as the requests arrive: 2 served, 4 waiting.
    let waiting = 0;
    for (let i = 0; i < 200 && waiting < 4; i++) {
      waiting = await gauge(url, 'vllm:num_requests_waiting');
      if (waiting < 4) await new Promise((r) => setTimeout(r, 10));
    }
    expect(waiting).toBe(4);
    expect(await gauge(url, 'vllm:num_requests_running')).toBeLessThanOrEqual(2);
    const answers = await Promise.all(all);
    expect(answers.every((a) => a.choices.length === 1)).toBe(true);
    expect(await gauge(url, 'vllm:num_requests_waiting')).toBe(0);
    // Three waves of two: the last first token came no earlier than 3 service times after the first arrival.
    const truth = mock.groundTruth().sort((a, b) => a.firstTokenAt! - b.firstTokenAt!);
    expect(truth).toHaveLength(6);
    const firstArrival = Math.min(...truth.map((t) => t.receivedAt));
    expect(truth.at(-1)!.firstTokenAt! - firstArrival).toBeGreaterThanOrEqual(3 * TTFT_MS);
  });

  it('gives the capacity search a known capacity: 4 at once x 100 ms = 40/s, found within 10%', async () => {
    const r = await runFixture('llm/one-chat.ts', {
      host: 'mock', workers: 1, mock: { maxConcurrent: 4, ttft: '100ms', itl: '0ms' },
      findCapacity: true, slo: 'ttft.p99<300ms', startRate: '5/s', maxRate: '80/s', stepTime: '2s', stepWarmup: '1s',
    });
    const c = r.summary.capacity!;
    const steps = c.steps.map((s) => `${s.level}/s ${s.passed ? 'pass' : `fail (${s.failed.join(', ')})`}`).join('\n');
    expect(r.exitCode, steps).toBe(0);
    expect(c.outcome).toBe('found');
    const tolerance = r.summary.generatorOverloaded ? 0.25 : 0.1;
    expect(c.value, steps).toBeGreaterThanOrEqual(40 * (1 - tolerance));
    expect(c.value, steps).toBeLessThanOrEqual(40 * (1 + tolerance));
    expect(c.failedFirst).toBe('ttft.p99<300ms');
  }, 120_000);
});
