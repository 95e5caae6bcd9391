/**
 * Plans bigger than one machine runs are refused before the run, naming the
 * option and the limit; arrivals dropped during a run are said, not only counted.
 */
import { expect, it } from 'vitest';
import { runFixture, runFixtureError } from '../helpers/run-fixture.js';

const host = 'http://127.0.0.1:9';

it.each([
  [{ users: 1_000_000, duration: '3s' }, '--users 1,000,000: one machine runs at most 100,000 users'],
  [{ rate: '1000000000/s', duration: '3s' }, '--rate 1,000,000,000/s: one machine plans at most 100,000 arrivals per second'],
  [{ rate: '10/s', maxUsers: 200_000, duration: '3s' }, '--max-users 200,000: one machine runs at most 100,000 users'],
])('refuses %o before the run', async (options, message) => {
  const err = await runFixtureError('slow-once.ts', { host, skipHostCheck: true, ...options });
  expect(err.message).toBe(message);
  expect(err.hint).toMatch(/--segment/);
});

it('takes the limit per instance: the message gives this instance\'s share of the plan', async () => {
  const err = await runFixtureError('slow-once.ts', { host, skipHostCheck: true, users: 1_000_000, segment: '1/4', duration: '3s' });
  expect(err.message).toBe("--users 1,000,000: this instance's share is 250,000 users; one machine runs at most 100,000 users");
});

it('warns, and records in summary.json, when arrivals are dropped', async () => {
  const r = await runFixture('slow-arrivals.ts', { rate: '20/s', maxUsers: 1, preAllocatedUsers: 1, workers: 1, duration: '2s' });
  const dropped = r.summary.counters['dropped_iterations']!;
  expect(dropped).toBeGreaterThan(0);
  const warning = r.summary.warnings?.find((w) => w.includes('arrivals') && w.includes('were dropped'));
  expect(warning).toMatch(new RegExp(`^${dropped} of \\d+ arrivals \\(\\d+%\\) were dropped: no free user could run them`));
  expect(r.stderr).toContain(`warning: ${warning}`);
});
