#!/usr/bin/env node
// Writes a Mooncake-format trace (docs/llm.md#trace-replay) to stdout:
//   node scripts/mooncake-trace.mjs [requests=300] [ratePerSec=10] [seed=1] > datasets/mooncake-sample.jsonl
// Poisson arrivals; every request starts with one of 4 shared system prompts
// (1 or 2 blocks of 512 tokens: hash ids 0..5), a third of them continue a
// recent conversation (its blocks again), then blocks of their own.
const [requests = 300, ratePerSec = 10, seed = 1] = process.argv.slice(2).map(Number);
let s = seed >>> 0 || 1;
const random = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const BLOCK = 512;
const systems = [[0], [1, 2], [3], [4, 5]];
let nextId = 100;
const recent = [];
let t = 0;
const lines = [];
for (let i = 0; i < requests; i++) {
  t += (-Math.log(1 - random()) / ratePerSec) * 1000;
  let ids = [...systems[Math.floor(random() * systems.length)]];
  if (recent.length && random() < 1 / 3) ids = [...recent[Math.floor(random() * recent.length)]];
  const own = 1 + Math.floor(random() * 3);
  for (let k = 0; k < own; k++) ids.push(nextId++);
  recent.push(ids);
  if (recent.length > 20) recent.shift();
  // The last block is partial, as in Mooncake's traces.
  const input = (ids.length - 1) * BLOCK + 1 + Math.floor(random() * (BLOCK - 1));
  const output = 16 + Math.floor(random() * 240);
  lines.push(JSON.stringify({ timestamp: Math.round(t), input_length: input, output_length: output, hash_ids: ids }));
}
process.stdout.write(lines.join('\n') + '\n');
