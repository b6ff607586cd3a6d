import { projectConfig } from '../vitest.shared.mjs';

export default projectConfig({
  include: ['lint/**/*.test.ts', 'generators/**/*.test.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
});
