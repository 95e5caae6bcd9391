/**
 * Wait times that cannot be slept end the run with a scenario error (exit 2)
 * instead of killing every user after one task, or becoming 0 silently.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runFixtureError } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(() => target.close());

it('waitTime = 0.5 is refused when the class is prepared, with the helpers as the fix', async () => {
  const err = await runFixtureError('wait/number.ts', { host: target.url, users: 1, duration: '2s' });
  expect(err.message).toContain('Hasty: waitTime must be a function, got 0.5');
  expect(err.hint).toContain('constant(0.5)');
  expect(target.hits.get('GET /items') ?? 0).toBe(0);
});

it.each([
  ['wait/nan.ts', 'Confused: waitTime returned NaN'],
  ['wait/async.ts', 'Eager: waitTime returned a Promise'],
])('%s is refused before the run', async (fixture, message) => {
  const err = await runFixtureError(fixture, { host: target.url, users: 1, duration: '2s' });
  expect(err.message).toContain(message);
  expect(err.code).toBe('E_USER');
});

it('a wait time that throws during the run ends it with a scenario error', async () => {
  const err = await runFixtureError('wait/throws-later.ts', { host: target.url, users: 1, workers: 1, duration: '3s' });
  expect(err.message).toContain('Flaky: waitTime threw: no more waiting');
});
