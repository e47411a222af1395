import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The machine has 2 cores; gRPC servers and clients share them with the runner.
    maxWorkers: 2,
  },
});
