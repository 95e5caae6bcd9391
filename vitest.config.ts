import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The machines have 2 cores and the tests start worker threads and servers.
    maxWorkers: 2,
    // The default reporter, then why each skipped test was skipped (no Chromium, no redis-server, no tmux).
    reporters: ['default', './tests/helpers/skip-reasons-reporter.ts'],
  },
  resolve: { alias: { volley: new URL('./src/api/index.ts', import.meta.url).pathname } },
});
