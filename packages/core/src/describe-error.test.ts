import { describe, expect, it } from 'vitest';
import { describeError } from './describe-error.js';
import { ConfigError, RestError } from './errors.js';

describe('describeError', () => {
  it('names a TickgateError by its code', () => {
    expect(describeError(new RestError('TICKGATE_REST_STATUS', 'binance /x: HTTP 503', { statusCode: 503, retryable: true }))).toBe('TICKGATE_REST_STATUS: binance /x: HTTP 503');
    expect(describeError(new ConfigError('unknown key', { path: 'feeds.0.bogus' }))).toBe('TICKGATE_CONFIG: feeds.0.bogus: unknown key');
  });

  it('names a system error by its code and another error by its name', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(describeError(refused)).toBe('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9');
    expect(describeError(new TypeError('x is not a function'))).toBe('TypeError: x is not a function');
  });

  it('writes anything else as text', () => {
    expect(describeError('closed')).toBe('closed');
    expect(describeError(undefined)).toBe('undefined');
    expect(describeError(42)).toBe('42');
  });
});
