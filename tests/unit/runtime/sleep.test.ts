import { expect, it } from 'vitest';
import { InterruptibleSleep } from '../../../src/runtime/sleep.js';

it('interrupt wakes every sleep in progress, not only the last one started', async () => {
  const s = new InterruptibleSleep();
  const woken: string[] = [];
  // A wait time and a Retry-After wait of the same user, both long: the stop must end both.
  const a = s.sleep(600_000).then(() => woken.push('wait time'));
  const b = s.sleep(600_000).then(() => woken.push('retry-after'));
  s.interrupt();
  await Promise.all([a, b]);
  expect(woken.sort()).toEqual(['retry-after', 'wait time']);
});
