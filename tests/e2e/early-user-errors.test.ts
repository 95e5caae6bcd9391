/** Input that can only waste a run, refused at once, before the load, with exit 2: an output path that cannot be written, no users. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bench, startBench } from '../helpers/bench-process.js';
import { SCENARIOS } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(() => target.close());

describe('--out under a folder that cannot hold one', () => {
  // Node's recursive mkdir spun at 100 % CPU there, deaf to Ctrl-C: the kill below ended it, with no exit code.
  it.skipIf(!existsSync('/proc/self'))(`--out /proc/…: exit 2, a message naming --out, no load${existsSync('/proc/self') ? '' : ' (skipped: no /proc on this system)'}`, async () => {
    const p = startBench(['run', join(SCENARIOS, 'tagged.ts'), '-u', '1', '-t', '1s', '-H', target.url, '--out', '/proc/volley-x/results']);
    const killer = setTimeout(() => p.child.kill('SIGKILL'), 30_000);
    const code = await p.exited;
    clearTimeout(killer);
    expect(code).toBe(2);
    expect(p.stderr()).toContain('error: --out /proc/volley-x/results: cannot write there (ENOENT)');
    expect(p.stderr()).not.toContain('    at ');
    expect(target.hits.size).toBe(0);
  });
});

describe('no users', () => {
  it('-u 0: exit 2 naming -u, instead of a run of nothing that exits 0', async () => {
    const r = await bench(['run', join(SCENARIOS, 'tagged.ts'), '-u', '0', '-t', '3s', '-H', target.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: -u/--users 0: a run with no users sends nothing');
    expect(r.stderr).toContain('hint: give at least one user, e.g. -u 10');
    expect(r.stderr).not.toContain('volley: running');
  });

  it('stages that never leave 0 users', async () => {
    const r = await bench(['run', join(SCENARIOS, 'tagged.ts'), '--stages', '1s:0,1s:0', '-H', target.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: stages: every stage has 0 users');
  });
});
