import { ConfigError } from '@tickgate/core';
import { expect } from 'vitest';

/** The `ConfigError` that `fn` throws (the test fails when it throws something else, or nothing). */
export function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}
