import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The machines have 2 cores and the tests start worker threads and servers.
    maxWorkers: 2,
  },
  resolve: { alias: { volley: new URL('./src/api/index.ts', import.meta.url).pathname } },
});
