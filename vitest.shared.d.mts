import type { UserConfig } from 'vitest/config';

/** A project's vitest config: the shared settings, with `test` options overriding them. */
export declare function projectConfig(test?: NonNullable<UserConfig['test']>): UserConfig;
