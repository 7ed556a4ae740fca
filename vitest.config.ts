import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Property tests print { seed, path } themselves; keep vitest's own output compact in CI.
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
