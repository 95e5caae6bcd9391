/**
 * Run options that name an LLM user's field win over the class: the server gets
 * what the command line asked for, and summary.json records what was sent.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runFixture } from '../helpers/run-fixture.js';

let server: Server;
let url: string;
let dir: string;
const bodies: Array<{ model: string; messages: Array<{ content: string }> }> = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'volley-run-options-'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 40, completion_tokens: 1 } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

it('--model, --dataset, --tokenizer and --prefix-len replace the class fields in what is sent', async () => {
  const dataset = join(dir, 'cli.txt');
  writeFileSync(dataset, Array.from({ length: 200 }, (_, i) => `zebra marker line ${i} of the command line dataset`).join('\n') + '\n');
  const out = join(dir, 'out');
  const r = await runFixture('llm/class-fields.ts', { host: url, users: 1, iterations: 3, model: 'cli-model', dataset, tokenizer: 'o200k_base', prefixLen: 20, out });
  expect(r.exitCode).toBe(0);
  expect(bodies.length).toBe(3);
  for (const b of bodies) {
    expect(b.model).toBe('cli-model');
    expect(b.messages[0]!.content).toContain('zebra marker');
  }
  // The shared prefix of 20 tokens: every prompt starts with the same text.
  const heads = new Set(bodies.map((b) => b.messages[0]!.content.slice(0, 30)));
  expect(heads.size).toBe(1);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  expect(summary.meta.options).toMatchObject({ model: 'cli-model', dataset, tokenizer: 'o200k_base', prefixLen: 20 });
});
