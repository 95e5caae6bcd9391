// What a generated image costs to build and to send, per size: the figures behind
// MAX_IMAGE_PIXELS (src/workload/images.ts) and docs/llm.md "Images".
// node scripts/run-ts.mjs bench/images.ts [side ...]
import { encodePng } from '../src/workload/images.js';

const sides = process.argv.slice(2).map(Number);
for (const side of sides.length ? sides : [512, 1024, 2048, 4096]) {
  const t = performance.now();
  const png = encodePng(side, side, 0);
  const ms = performance.now() - t;
  const dataUrlMiB = (Math.ceil(png.length / 3) * 4) / 1048576;
  console.log(`${side}×${side}: ${ms.toFixed(0)} ms to build, ${(png.length / 1048576).toFixed(1)} MiB PNG, ${dataUrlMiB.toFixed(1)} MiB as a data URL`);
}
