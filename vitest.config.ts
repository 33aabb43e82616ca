// Test runner configuration: unit tests beside the code, app and wire tests under test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // An unhandled rejection fails the test it happened in (Node ends a process on one).
    setupFiles: ['test/support/strict-rejections.ts'],
  },
});
