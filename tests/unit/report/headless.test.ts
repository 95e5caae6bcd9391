import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import type { LiveSnapshot } from '../../../src/metrics/live.js';
import { createHeadlessReporter } from '../../../src/report/headless.js';

function sink(): Writable & { text: string } {
  const w = new Writable({
    write(chunk, _enc, cb) {
      w.text += String(chunk);
      cb();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}

const snap = (elapsedMs: number, users: number, targetUsers: number) =>
  ({ elapsedMs, users, targetUsers, health: [], total: { requests: 0, failures: 0 }, interval: { rps: 0, p50Ms: 0, p95Ms: 0 } }) as unknown as LiveSnapshot;

it('shows how far a large start got while users start', () => {
  const stderr = sink();
  const r = createHeadlessReporter({ stdout: sink(), stderr });
  r.onSnapshot!(snap(1000, 40_000, 100_000));
  r.onSnapshot!(snap(1500, 60_000, 100_000));
  r.onSnapshot!(snap(2100, 80_000, 100_000));
  r.onSnapshot!(snap(3200, 100_000, 100_000));
  expect(stderr.text.match(/^starting users: .*$/gm)).toEqual(['starting users: 40,000/100,000', 'starting users: 80,000/100,000']);
});

it('stays quiet for small runs', () => {
  const stderr = sink();
  createHeadlessReporter({ stdout: sink(), stderr }).onSnapshot!(snap(1000, 10, 100));
  expect(stderr.text).not.toContain('starting users');
});
