import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { withRetryAfter } from './rest.js';
import { upgradeOnlyAt } from './start.js';

const req = {} as IncomingMessage;
const at = (path: string) => new URL(`http://sim.invalid${path}`);

describe('upgradeOnlyAt', () => {
  it('accepts its path only (the query aside) and refuses others with 404 or the refusal given', () => {
    const check = upgradeOnlyAt('/v2');
    expect(check(req, at('/v2'))).toBeUndefined();
    expect(check(req, at('/v2?x=1'))).toBeUndefined();
    expect(check(req, at('/v2/'))).toEqual({ status: 404 });
    expect(check(req, at('/'))).toEqual({ status: 404 });
    const root = upgradeOnlyAt('/', { status: 404, body: '{"message":"NotFound"}' });
    expect(root(req, at('/'))).toBeUndefined();
    expect(root(req, at('/feed'))).toEqual({ status: 404, body: '{"message":"NotFound"}' });
  });
});

describe('withRetryAfter', () => {
  it('adds Retry-After in whole seconds, in place of any headers, keeping status and body', () => {
    expect(withRetryAfter({ status: 429, body: '{}' }, 2)).toEqual({ status: 429, body: '{}', headers: { 'Retry-After': '2' } });
    const replaced = withRetryAfter({ status: 418, body: 'x', headers: { 'X-Other': '1' } }, 120);
    expect(replaced).toEqual({ status: 418, body: 'x', headers: { 'Retry-After': '120' } });
    expect(Object.keys(replaced)).toEqual(['status', 'body', 'headers']);
  });
});
