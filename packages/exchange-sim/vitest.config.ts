import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@tickgate/source` condition.
const conditions = ['@tickgate/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
