// The vitest settings every project shares; each project's vitest.config.ts passes only what differs.
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@tickgate/source` condition.
const conditions = ['@tickgate/source', 'import', 'module', 'node', 'default'];

/** A project's vitest config: tests under `src/` and `test/`, in forked processes, 30 s per test and hook. */
export function projectConfig(test = {}) {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      environment: 'node',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 30_000,
      pool: 'forks',
      ...test,
    },
  });
}
