import { expect, it } from 'vitest';
import { between, constant, constantPacing, type PacedWait } from '../../../src/api/wait.js';

// Users share one wait-time function per arguments (a field initializer makes one per user otherwise; bench:memory).
it('wait times of the same arguments are one function, and each still waits its own time', () => {
  expect(constant(2)).toBe(constant(2));
  expect(between(1, 3)).toBe(between(1, 3));
  expect(constantPacing(0.5)).toBe(constantPacing(0.5));
  expect(constant(2)).not.toBe(constant(3));
  expect(between(1, 3)).not.toBe(between(1, 4));
  const wait = between(1, 3);
  // The random draw is the user's (its WaitContext), not the shared function's.
  expect(wait.call(undefined, { lastTaskSeconds: 0, random: () => 0 })).toBe(1);
  expect(wait.call(undefined, { lastTaskSeconds: 0, random: () => 0.5 })).toBe(2);
  expect((constantPacing(0.5) as PacedWait).intervalSeconds).toBe(0.5);
  expect(constantPacing(0.5).call(undefined, { lastTaskSeconds: 0.2, random: Math.random })).toBeCloseTo(0.3);
});

it('arguments drawn per user (more than are kept) each get their own wait', () => {
  for (let i = 0; i < 1000; i++) expect(constant(i / 7).call(undefined, { lastTaskSeconds: 0, random: Math.random })).toBe(i / 7);
});
