import { defineConfig } from 'vitest/config';

// Two cores: at most two test files at once. Browser and lab tests start real processes, so
// timeouts are generous; individual tests keep their own work bounded.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
