import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Workers and the bench binary run the bundled dist/; build it once per test run.
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
}
