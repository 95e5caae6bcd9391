/** `bench run --trace` and `--tokenizer` from the command line: a run that replays a trace, and the user errors, exit 2, no stack trace. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bench } from '../helpers/bench-process.js';
import { SCENARIOS } from '../helpers/run-fixture.js';
import { startTargetServer, type TargetServer } from '../helpers/target-server.js';

let target: TargetServer;
let dir: string;
beforeAll(async () => {
  target = await startTargetServer();
  dir = mkdtempSync(join(tmpdir(), 'volley-trace-cli-'));
});
afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('bench run --trace', () => {
  it('replays every record at --trace-speed and ends with the trace', async () => {
    const trace = join(dir, 'ok.jsonl');
    writeFileSync(trace, Array.from({ length: 6 }, (_, k) => JSON.stringify({ time: k * 0.2, prompt: `p${k}` })).join('\n'));
    const out = join(dir, 'out');
    const r = await bench(['run', join(SCENARIOS, 'trace-http.ts'), '-H', target.url, '--trace', trace, '--trace-speed', '4', '--headless', '-w', '1', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Ended: trace finished');
    expect(Array.from({ length: 6 }, (_, k) => target.hits.get(`GET /items/${k}`))).toEqual([1, 1, 1, 1, 1, 1]);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { meta: { options: Record<string, unknown> } };
    expect(summary.meta.options).toMatchObject({ traceSpeed: 4 });
  });

  it('a bad line: exit 2, one message naming file:line', async () => {
    const trace = join(dir, 'bad.jsonl');
    writeFileSync(trace, '{"timestamp": 0, "prompt": "a"}\n{"timestamp": 5, "prompt": 7}\n');
    const r = await bench(['run', join(SCENARIOS, 'trace-http.ts'), '-H', target.url, '--trace', trace]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: --trace ${trace}:2: prompt: expected a string, got number`);
    expect(r.stderr).not.toContain('    at ');
  });

  it('a file that is not there: exit 2 naming it', async () => {
    const r = await bench(['run', join(SCENARIOS, 'trace-http.ts'), '-H', target.url, '--trace', join(dir, 'none.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: --trace ${join(dir, 'none.jsonl')}: cannot read the file (ENOENT)`);
  });
});

describe('bench run --tokenizer', () => {
  it('an unknown name: exit 2, naming the option and listing the choices', async () => {
    const r = await bench(['run', join(SCENARIOS, 'trace-http.ts'), '-H', target.url, '-u', '1', '-t', '1s', '--tokenizer', 'gpt2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--tokenizer: unknown tokenizer "gpt2": expected one of cl100k_base, o200k_base, llama3, llama3_1, qwen3, deepseek_v3, gemma3, gpt-oss, or the path of a tokenizer.json');
    expect(r.stderr).not.toContain('    at ');
  });
});
