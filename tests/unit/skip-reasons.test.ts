/** `npm test` says why a test was skipped (no Chromium, no redis-server): the project's vitest config runs a fixture. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/bench-process.js';

describe('skipped tests', () => {
  it('the run ends with each skipped group and its reason', () => {
    const out = execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(ROOT, 'tests/fixtures/vitest/vitest.config.ts')],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1' } },
    );
    expect(out).toContain('Skipped, and why:');
    expect(out).toContain('skipped.fixture.ts: a browser check (skipped: chromium not found; apt-get install -y chromium) (2 tests)');
    expect(out).toContain('skipped.fixture.ts: redis-server not found; apt-get install -y redis-server');
  });
});
