// What keeping every LLM figure per request name and user class costs a worker
// (src/metrics/llm-groups.ts): the recording of one streamed reply (4 counters,
// 4 series, N inter-token latencies) into the totals alone, against the same
// through an LlmScope (totals + its name + its class), plus the takeDelta each
// second. Prints ns per request of each and the ratio.
// node scripts/run-ts.mjs bench/llm-groups.ts [--requests N] [--tokens N] [--names N] [--delta-every N]
import { parseArgs } from 'node:util';
import { MetricsRecorder } from '../src/metrics/recorder.js';
import type { LlmRecorder } from '../src/metrics/llm-groups.js';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    tokens: { type: 'string', default: '256' },
    names: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '5' },
    'delta-every': { type: 'string', default: '1000' },
  },
});
const requests = Number(args.requests);
const tokens = Number(args.tokens);
const names = Number(args.names);
const deltaEvery = Number(args['delta-every']);

// Seeded ITL values around 20 ms, as a served stream gives them.
let seed = 1;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const itls = Array.from({ length: 64 }, () => Float64Array.from({ length: tokens }, () => 15 + rand() * 10));

function record(r: LlmRecorder, i: number): void {
  r.recordRequest({ method: 'POST', name: '/v1/chat/completions', durationMs: 5000 + (i % 100), bytes: 4000 });
  r.add('llm.requests', 1);
  r.add('llm.input_tokens', 512);
  r.add('llm.output_tokens', tokens);
  r.recordTrend('llm.e2e', 5000 + (i % 100));
  r.recordTrend('llm.ttft', 200 + (i % 50));
  r.recordTrend('llm.tpot', 19 + (i % 7) / 7);
  r.recordTrend('llm.output_speed', 50 + (i % 9));
  r.recordTrendMany('llm.itl', itls[i % itls.length]!);
}

function run(scoped: boolean): number {
  const rec = new MetricsRecorder();
  const start = process.hrtime.bigint();
  for (let i = 0; i < requests; i++) {
    record(scoped ? rec.llmScope(`/v1/name-${i % names}`, `Class${i % 2}`) : rec, i);
    // One delta per 1000 requests by default: about a second of a busy worker.
    if (i % deltaEvery === deltaEvery - 1) rec.takeDelta();
  }
  rec.takeDelta();
  return Number(process.hrtime.bigint() - start) / requests;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
run(false);
run(true);
const plain: number[] = [];
const scoped: number[] = [];
for (let k = 0; k < Number(args.rounds); k++) {
  plain.push(run(false));
  scoped.push(run(true));
}
const p = median(plain);
const s = median(scoped);
console.log(`${requests} requests of ${tokens} tokens, ${names} names, 2 classes, a delta every ${deltaEvery} requests; median of ${args.rounds} rounds`);
console.log(`totals only:            ${(p / 1000).toFixed(2)} µs/request`);
console.log(`totals + name + class:  ${(s / 1000).toFixed(2)} µs/request  (${(s / p).toFixed(2)}x, +${((s - p) / 1000).toFixed(2)} µs)`);
