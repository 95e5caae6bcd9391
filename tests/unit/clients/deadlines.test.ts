import { describe, expect, it } from 'vitest';
import { DeadlineList, deadlineList, type DeadlineEntry } from '../../../src/clients/deadlines.js';

function entry(log: string[], name: string): DeadlineEntry {
  return { deadlineMs: 0, deadlineList: undefined, prevDeadline: undefined, nextDeadline: undefined, expire: () => log.push(name) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('request deadlines (one list per timeout)', () => {
  it('expires what is still in the list once its deadline passed, oldest first, and nothing that was removed', async () => {
    const log: string[] = [];
    const list = new DeadlineList(20);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => entry(log, n));
    list.add(a!, performance.now());
    list.add(b!, performance.now());
    list.add(c!, performance.now());
    list.remove(b!);
    list.remove(b!); // removing twice is harmless
    await sleep(5);
    list.add(d!, performance.now());
    await sleep(300);
    expect(log).toEqual(['a', 'c', 'd']);
    expect(a!.deadlineList).toBeUndefined();
  });

  it('removing the last request lets the list go quiet, and a new one is timed from its own start', async () => {
    const log: string[] = [];
    const list = new DeadlineList(30);
    const a = entry(log, 'a');
    list.add(a, performance.now());
    list.remove(a);
    const b = entry(log, 'b');
    list.add(b, performance.now());
    await sleep(300);
    expect(log).toEqual(['b']);
  });

  it('a timeout past what a Node timer holds (2^31-1 ms) does not expire early', async () => {
    const log: string[] = [];
    const list = deadlineList(2 ** 40);
    const a = entry(log, 'a');
    list.add(a, performance.now());
    await sleep(50);
    expect(log).toEqual([]);
    list.remove(a);
  });

  it('no positive timeout (0, negative, NaN) is due at once, as setTimeout reads it', async () => {
    const log: string[] = [];
    for (const ms of [0, -5, Number.NaN]) deadlineList(ms).add(entry(log, String(ms)), performance.now());
    await sleep(100);
    expect(log.sort()).toEqual(['-5', '0', 'NaN'].sort());
  });

  it('the same timeout shares one list', () => {
    expect(deadlineList(1234)).toBe(deadlineList(1234));
    expect(deadlineList(1234)).not.toBe(deadlineList(4321));
  });
});
