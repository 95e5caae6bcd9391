/**
 * The final output says how a run ended: a Ctrl-C'd sweep prints a banner, the
 * stop reason, exit code 130 and the stages that never ran.
 */
import { describe, expect, it } from 'vitest';
import { startBench } from '../helpers/bench-process.js';

describe('an interrupted sweep', () => {
  it('ends with the stop reason, the exit code and the stages that never ran', async () => {
    const p = startBench(['run', 'scenarios/chat.ts', '--concurrency', '1,2,4', '--max-time-per-stage', '20s', '--traffic', 'D(20,10)', '-w', '1', '--headless']);
    await p.waitForStderr(/volley: running/);
    await new Promise((r) => setTimeout(r, 1500));
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(130);
    const out = p.stdout();
    expect(out).toMatch(/^\nINTERRUPTED \(Ctrl-C or SIGTERM\): the figures cover the [\d.]+ s before the stop\n/);
    expect(out).toContain('Interrupted: Ctrl-C or SIGTERM · exit code 130\n');
    expect(out).toContain('2 of 3 stages never ran: c=2 D(20,10), c=4 D(20,10)');
    expect(out).toMatch(/concurrency 1→4/);
    // Stage numbers count the planned stages.
    expect(out).toMatch(/\n1\/3 +D\(20,10\)/);
  });
});
