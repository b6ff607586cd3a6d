import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSafeUnits, formatUnits } from './fixed-point.js';

describe('formatSafeUnits', () => {
  it('writes what formatUnits writes for every non-negative safe integer', () => {
    for (const n of [0, 1, 99_999_999, 100_000_000, 100_000_001, 9_700_000_000_000, Number.MAX_SAFE_INTEGER]) {
      expect(formatSafeUnits(n)).toBe(formatUnits(BigInt(n)));
    }
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => formatSafeUnits(n) === formatUnits(BigInt(n))),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.nat({ max: 10 ** 12 }), (n) => formatSafeUnits(n) === formatUnits(BigInt(n))),
      { numRuns: 20_000 },
    );
  });
});
