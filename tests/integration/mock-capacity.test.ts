/** The mock says when it serves more streams at once than it keeps on time. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mockStreamLimit } from '../../src/mock/capacity.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

let mock: MockServer;
const warnings: string[] = [];

beforeAll(async () => {
  // itl 1 ms: 1,000 chunks a second per stream, so the limit is a dozen streams.
  mock = await startMockServer({ port: 0, ttftMs: 1000, itlMs: 1, onWarning: (m) => warnings.push(m) });
});
afterAll(() => mock.close());

it('knows its limit from its pace', () => {
  expect(mockStreamLimit(20, 1)).toBe(250);
  expect(mockStreamLimit(1000, 1)).toBe(12_500);
  expect(mockStreamLimit(1, 1)).toBe(12);
});

it('warns once when concurrent streams pass its limit', async () => {
  const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5, stream: true });
  const one = () => fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.text());
  await Promise.all(Array.from({ length: 20 }, one));
  expect(warnings).toEqual([
    'mock: 13 concurrent streams, past the 12 this mock keeps on time at itl 1 ms (docs/mock-server.md, "Capacity"): its TTFT and ITL now drift later than set; use fewer streams, a longer itl or several mocks',
  ]);
  // Below the limit again: a few streams say nothing.
  await Promise.all(Array.from({ length: 5 }, one));
  expect(warnings.length).toBe(1);
});
