/**
 * Memory is bounded by users x --max-body whatever the server sends: the
 * bench process's peak RSS (VmHWM, sampled from /proc while it runs) against
 * 8 users reading bodies that never end, or 200 MiB answers to LLM requests.
 * Kept whole, those bodies would take gigabytes; a memory figure, not a time.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import { startBench } from '../helpers/bench-process.js';
import { startHostileServer, type HostileKind } from '../helpers/hostile-servers.js';
import { SCENARIOS } from '../helpers/run-fixture.js';

const USERS = 8;
const PEAK_RSS_LIMIT_MIB = 400;
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'volley-hostile-mem-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Peak resident memory of a live process in MiB (VmHWM), or undefined once it is gone. */
function peakRssMiB(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

describe.runIf(existsSync('/proc/self/status'))('memory on hostile answers', () => {
  it.each<[string, HostileKind, string, string[], string]>([
    ['HttpUser, bodies that never end', 'endless-body', 'hostile/http-get.ts', ['--max-body', '2MiB'], '2 MiB'],
    ['LLMUser, 200 MiB non-SSE answers', 'huge-body', 'hostile/llm-chat.ts', [], '4 MiB'],
  ])('%s: peak RSS stays far below what the bodies would take', { timeout: 60_000 }, async (_name, kind, scenario, flags, cap) => {
    const server = await startHostileServer(kind);
    const out = join(tmp, kind);
    try {
      const p = startBench(
        ['run', join(SCENARIOS, scenario), '-u', String(USERS), '-w', '1', '-t', '2s', '--request-timeout', '1s', '--stop-timeout', '1s', '-H', server.url, '--out', out, ...flags],
        { env: { VOLLEY_HOSTILE_KEY: 'sk-memory-test-key' } },
      );
      let peak = 0;
      const sampler = setInterval(() => {
        const v = peakRssMiB(p.child.pid!);
        if (v !== undefined) peak = Math.max(peak, v);
      }, 50);
      await p.exited;
      clearInterval(sampler);
      if (process.env.DEBUG_HOSTILE) console.log(`${kind}: peak RSS ${peak.toFixed(0)} MiB`);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThan(PEAK_RSS_LIMIT_MIB);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
      // Every body was read: many more bytes went through than the process ever held.
      expect(summary.total.bytes).toBeGreaterThan(USERS * 2 * 1024 * 1024);
      // Each body fails at the cap, or (on a busy machine, before it got there) at the 1 s deadline.
      const tooLarge = `body_too_large: the response body is over ${cap} (--max-body)`;
      expect(summary.errors.find((e) => e.message === tooLarge)?.count).toBeGreaterThan(0);
      for (const e of summary.errors) expect([tooLarge, 'timeout: no complete response within 1000 ms', 'timeout after 1000 ms']).toContain(e.message);
    } finally {
      await server.close();
    }
  });
});
