import { type UserConfig } from 'vitest/config';
/**
 * Shared vitest settings for every project. Workspace packages resolve to their TypeScript sources
 * through the `@tickgate/source` export condition, so tests never need a prior build of siblings.
 */
export declare function projectTestConfig(overrides?: UserConfig['test']): UserConfig;
//# sourceMappingURL=vitest.shared.d.ts.map