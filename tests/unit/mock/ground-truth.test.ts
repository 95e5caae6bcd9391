import { describe, expect, it } from 'vitest';
import { GroundTruthLog } from '../../../src/mock/ground-truth.js';

const record = (n: number) => ({ id: `r${n}`, path: '/v1/chat/completions', receivedAt: n, outputTokens: 0, inputTokens: 0, chunks: 0, status: 200 });

describe('GroundTruthLog', () => {
  it('keeps the last `capacity` records, oldest first', () => {
    const log = new GroundTruthLog(3);
    for (let n = 1; n <= 5; n++) log.add(record(n));
    expect(log.list().map((r) => r.id)).toEqual(['r3', 'r4', 'r5']);
    log.clear();
    expect(log.list()).toEqual([]);
    log.add(record(6));
    expect(log.list().map((r) => r.id)).toEqual(['r6']);
  });

  it('hands out copies, so callers cannot change the log', () => {
    const log = new GroundTruthLog(2);
    log.add(record(1));
    log.list()[0]!.status = 500;
    expect(log.list()[0]!.status).toBe(200);
  });
});
