import { expect, it } from 'vitest';
import { InterruptibleSleep } from '../../../src/runtime/sleep.js';

// The sleeps of every user of a thread share one timer (runtime/sleep.ts): each must still end at its own time, in order, and alone when interrupted.
it('sleeps of many users end in the order of their due times, and an interrupt ends only its own', async () => {
  const woken: string[] = [];
  const sleeps = new Map<string, InterruptibleSleep>();
  const all: Promise<unknown>[] = [];
  for (const [name, ms] of [['c', 60], ['a', 20], ['never', Infinity], ['b', 40], ['cut', 50], ['also-a', 20]] as const) {
    const s = new InterruptibleSleep();
    sleeps.set(name, s);
    all.push(s.sleep(ms).then(() => woken.push(name)));
  }
  sleeps.get('cut')!.interrupt();
  await Promise.all(all.slice(0, 2));
  sleeps.get('never')!.interrupt();
  await Promise.all(all);
  expect(woken).toEqual(['cut', 'a', 'also-a', 'b', 'c', 'never']);
});

it('a user sleeping again after its sleep ended is woken by a later interrupt', async () => {
  const s = new InterruptibleSleep();
  await s.sleep(5);
  let woke = false;
  const p = s.sleep(600_000).then(() => (woke = true));
  s.interrupt();
  await p;
  expect(woke).toBe(true);
});
