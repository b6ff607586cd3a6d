import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@tickgate/source` condition.
const conditions = ['@tickgate/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    environment: 'node',
    include: ['lint/**/*.test.ts', 'generators/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
