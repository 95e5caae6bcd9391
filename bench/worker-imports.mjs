// Times importing the modules a worker loads statically (dist/worker.js's
// `import … from './…'` closure, not worker.js itself, which starts a worker):
// what every worker pays before it knows its user classes.
// node bench/worker-imports.mjs [DIST_WORKER_JS] [RUNS]; each run is a fresh process.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const entry = resolve(process.argv[2] ?? 'dist/worker.js');
if (process.env.VOLLEY_WORKER_IMPORTS_CHILD) {
  const seen = new Set();
  const stack = [entry];
  while (stack.length) {
    const f = stack.pop();
    if (seen.has(f)) continue;
    seen.add(f);
    for (const m of readFileSync(f, 'utf8').matchAll(/^import\s+(?:[^"']*?from\s+)?["'](\.[^"']+)["']/gm)) stack.push(resolve(dirname(f), m[1]));
  }
  seen.delete(entry);
  const t = performance.now();
  await Promise.all([...seen].map((f) => import(f)));
  console.log((performance.now() - t).toFixed(1));
} else {
  const runs = Number(process.argv[3] ?? 5);
  const times = [];
  for (let i = 0; i < runs; i++) {
    times.push(Number(execFileSync(process.execPath, [process.argv[1], entry], { env: { ...process.env, VOLLEY_WORKER_IMPORTS_CHILD: '1' } }).toString()));
  }
  const s = [...times].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  console.log(`${entry}: ${times.map((t) => t.toFixed(0)).join(', ')} ms; median ${median.toFixed(0)} ms`);
}
