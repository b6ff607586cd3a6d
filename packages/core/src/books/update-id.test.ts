import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUpdateIds, isUpdateId, nextUpdateId } from './update-id.js';

describe('update ids', () => {
  it('accepts canonical non-negative integers only', () => {
    for (const ok of ['0', '7', '157', '18446744073709551616', '9'.repeat(64)]) expect(isUpdateId(ok)).toBe(true);
    for (const bad of ['', '-1', '007', '1.5', '1e9', ' 1', '9'.repeat(65)]) expect(isUpdateId(bad)).toBe(false);
  });

  it('orders exactly beyond 2^53, as BigInt does', () => {
    expect(compareUpdateIds('9007199254740993', '9007199254740992')).toBeGreaterThan(0);
    expect(compareUpdateIds('99', '100')).toBeLessThan(0);
    expect(compareUpdateIds('100', '100')).toBe(0);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 80n }), fc.bigInt({ min: 0n, max: 2n ** 80n }), (a, b) => {
        expect(Math.sign(compareUpdateIds(String(a), String(b)))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('adds one by string arithmetic, carries included', () => {
    expect(nextUpdateId('0')).toBe('1');
    expect(nextUpdateId('9')).toBe('10');
    expect(nextUpdateId('1299')).toBe('1300');
    expect(nextUpdateId('9007199254740992')).toBe('9007199254740993');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 80n }), (a) => {
        expect(nextUpdateId(String(a))).toBe(String(a + 1n));
      }),
      { seed: 8, numRuns: 500 },
    );
  });
});
