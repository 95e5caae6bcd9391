import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RequestsLog, requestsLogFor } from '../../../../src/clients/llm/requests-log.js';

const dir = mkdtempSync(join(tmpdir(), 'volley-requests-log-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (i: number) => ({ t: 1000 + i, name: '/v1/chat/completions', status: 200, e2eMs: i });

describe('RequestsLog', () => {
  it('buffers lines and writes them in one append, on its timer or when asked', async () => {
    const path = join(dir, 'a.jsonl');
    const log = new RequestsLog(path);
    log.write(record(1));
    log.write(record(2));
    expect(() => readFileSync(path)).toThrow(); // nothing written yet
    await vi.waitFor(() => expect(readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l).e2eMs)).toEqual([1, 2]), { timeout: 5000 });
    log.write(record(3));
    log.flushSync();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('drain() writes the batch in flight and the rest before it returns (a worker ends right after)', async () => {
    const path = join(dir, 'drain.jsonl');
    const log = new RequestsLog(path);
    for (let i = 0; i < 5; i++) log.write(record(i));
    log.flush(); // an asynchronous append, now in flight
    for (let i = 5; i < 10; i++) log.write(record(i));
    await log.drain();
    expect(readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l).e2eMs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('is off without the option, and one per file otherwise', () => {
    expect(requestsLogFor({})).toBeUndefined();
    const path = join(dir, 'b.jsonl');
    expect(requestsLogFor({ requestsLog: path })).toBe(requestsLogFor({ requestsLog: path }));
  });

  it('warns once and stops when the file cannot be written', () => {
    const log = new RequestsLog(join(dir, 'no-such-folder', 'c.jsonl'));
    const warn = console.warn;
    const seen: string[] = [];
    console.warn = (m: string) => seen.push(m);
    try {
      log.write(record(1));
      log.flushSync();
      log.write(record(2));
      log.flushSync();
    } finally {
      console.warn = warn;
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain('--requests-log');
  });
});
