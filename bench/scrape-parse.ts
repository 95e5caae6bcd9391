/**
 * What one --server-metrics scrape costs the run's main thread: parsing a vLLM
 * exposition (tests/fixtures/metrics/vllm-1.prom, and the same with 8 engines'
 * label sets, as a multi-GPU server serves) and mapping it to the common series.
 *
 *   node scripts/run-ts.mjs bench/scrape-parse.ts
 */
import { readFileSync } from 'node:fs';
import { parseExposition } from '../src/telemetry/exposition.js';
import { readKnownSeries } from '../src/telemetry/known-series.js';

const one = readFileSync(new URL('../tests/fixtures/metrics/vllm-1.prom', import.meta.url), 'utf8');
// Eight engines: every sample line repeated with engine="0".."7" under its family.
const eight = one
  .split('\n')
  .flatMap((l) => (l.includes('engine="0"') ? Array.from({ length: 8 }, (_, i) => l.replace('engine="0"', `engine="${i}"`)) : [l]))
  .join('\n');

for (const [name, text] of [['vllm-1.prom', one], ['8 engines', eight]] as const) {
  const n = 2000;
  for (let i = 0; i < 200; i++) readKnownSeries({ atMs: 0, samples: parseExposition(text) }, undefined, { atMs: 0, samples: parseExposition(text) });
  const t0 = performance.now();
  let prev = { atMs: 0, samples: parseExposition(text) };
  for (let i = 1; i <= n; i++) {
    const now = { atMs: i * 1000, samples: parseExposition(text) };
    readKnownSeries(now, prev, prev);
    prev = now;
  }
  const us = ((performance.now() - t0) / n) * 1000;
  console.log(`${name}: ${text.split('\n').length} lines, ${(text.length / 1024).toFixed(1)} KiB: ${us.toFixed(0)} µs per scrape (parse + map), ${n} scrapes`);
}
