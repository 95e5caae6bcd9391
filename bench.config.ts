/**
 * Project-wide defaults for `bench run` in this folder (docs/cli.md). The command
 * line beats a scenario's `export const options`, which beats this file.
 * These values equal the built-in defaults; edit them to suit your project, e.g.
 *
 *   thresholds: ['http.p95<500ms', 'http.errors.rate<1%'],
 *   out: 'results',
 */
import { defineConfig } from 'volley';

export default defineConfig({
  stopTimeout: '5s',
  requestTimeout: '60s',
});
