// How many concurrent streams `bench mock` serves on time: for each count, a
// fresh mock (its own process, one event loop) gets that many streams at once,
// back to back for a few seconds, and its own ground truth says how late it
// wrote the first and the last token against its settings. The figures behind
// MOCK_STREAM_LIMIT (src/mock/capacity.ts) and docs/mock-server.md.
// node scripts/run-ts.mjs bench/mock-limit.ts [--streams 50,250,500,1000,2000] [--seconds 5]
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import type { GroundTruthRecord } from '../src/mock/ground-truth.js';

const { values } = parseArgs({ options: { streams: { type: 'string', default: '50,250,500,1000,2000' }, seconds: { type: 'string', default: '5' }, ttft: { type: 'string', default: '200' }, itl: { type: 'string', default: '20' }, tokens: { type: 'string', default: '50' } } });
const TTFT = Number(values.ttft);
const ITL = Number(values.itl);
const TOKENS = Number(values.tokens);
const SECONDS = Number(values.seconds);

async function startMock(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['bin/bench.js', 'mock', '--port', '0', '--ttft', `${TTFT}ms`, '--itl', `${ITL}ms`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (c) => reject(new Error(`mock exited ${c}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

function stream(url: URL, agent: Agent): Promise<number | undefined> {
  const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: TOKENS, stream: true });
  return new Promise((resolve) => {
    const t0 = performance.now();
    let first: number | undefined;
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.on('data', (chunk: Buffer) => {
        if (first === undefined && chunk.includes('"content":"')) first = performance.now() - t0;
      });
      res.on('end', () => resolve(first));
    });
    req.on('error', () => resolve(undefined));
    req.end(body);
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

console.log(`mock ttft ${TTFT} ms, itl ${ITL} ms, ${TOKENS} tokens a stream, ${SECONDS} s per count`);
console.log('streams  requests  server ttft p50/p99 (ms)  last token late p50/p99 (ms)  client ttft p99 (ms)');
for (const n of values.streams!.split(',').map(Number)) {
  const mock = await startMock();
  const url = new URL('/v1/chat/completions', mock.url);
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const clientTtft: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (performance.now() < until) {
        const t = await stream(url, agent);
        if (t !== undefined) clientTtft.push(t);
      }
    }),
  );
  const truth = (await (await fetch(new URL('/mock/ground-truth', mock.url))).json()) as GroundTruthRecord[];
  agent.destroy();
  mock.stop();
  // The first second is the connections opening at once and the mock warming up: left out.
  const start = Math.min(...truth.map((r) => r.receivedAt));
  const done = truth.filter((r) => r.receivedAt > start + 1000 && r.firstTokenAt !== undefined && r.lastTokenAt !== undefined && !r.error);
  const serverTtft = done.map((r) => r.firstTokenAt! - r.receivedAt);
  const late = done.map((r) => r.lastTokenAt! - r.receivedAt - (TTFT + (r.outputTokens - 1) * ITL));
  const f = (x: number) => x.toFixed(0).padStart(5);
  console.log(
    `${String(n).padStart(7)}  ${String(done.length).padStart(8)}  ${f(pct(serverTtft, 50))} / ${f(pct(serverTtft, 99))}             ${f(pct(late, 50))} / ${f(pct(late, 99))}                ${f(pct(clientTtft, 99))}`,
  );
}
