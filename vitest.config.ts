import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // node:test files that run under a Windows node.exe: scripts/test-windows.mjs runs them.
    exclude: [...configDefaults.exclude, 'test/windows/**'],
    // node-pty and better-sqlite3 are native modules: child processes isolate them better than worker threads.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
