import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'shared/**/*.test.ts',
      'server/**/*.test.ts',
      'test/**/*.test.ts',
      'liff-app/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: keep heavy suites (workerd, browsers) from starving each other.
    maxWorkers: 2,
  },
})
