import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalDecimal, canonicalDecimalOrUndefined, explainDecimal, isCanonicalDecimal, toDecimal } from './decimal.js';
import { InvalidDecimalError } from './errors.js';

describe('canonicalDecimal', () => {
  it.each([
    ['97123.45000000', '97123.45'],
    ['100.00000000', '100'],
    ['0.00100000', '0.001'],
    ['0.5', '0.5'],
    ['00012.50', '12.5'],
    ['000.010', '0.01'],
    ['7', '7'],
    ['16578.50', '16578.5'],
    ['0.000000000000000000000001', '0.000000000000000000000001'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalDecimal(input)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    [' 1.5', 'leading or trailing space'],
    ['1.5 ', 'leading or trailing space'],
    ['-1.5', 'sign not allowed'],
    ['+1.5', 'sign not allowed'],
    ['1e5', 'exponent not allowed'],
    ['1.5E-3', 'exponent not allowed'],
    ['NaN', 'not a number'],
    ['Infinity', 'not a number'],
    ['.5', 'leading decimal point'],
    ['5.', 'trailing decimal point'],
    ['1.2.3', 'more than one decimal point'],
    ['1,5', 'unexpected character'],
    ['0x10', 'unexpected character'],
    ['١٢', 'unexpected character'],
    ['0', 'zero'],
    ['0.00000000', 'zero'],
    ['1'.repeat(25), 'too many digits'],
    ['0.' + '0'.repeat(24) + '1', 'too many digits'],
  ])('rejects %j (%s)', (input, reason) => {
    expect(canonicalDecimalOrUndefined(input)).toBeUndefined();
    expect(explainDecimal(input)).toBe(reason);
    expect(() => canonicalDecimal(input)).toThrowError(InvalidDecimalError);
    try {
      canonicalDecimal(input);
    } catch (e) {
      expect((e as InvalidDecimalError).reason).toBe(reason);
      expect((e as InvalidDecimalError).code).toBe('TICKGATE_INVALID_DECIMAL');
    }
  });

  it.each([[123.5], [null], [undefined], [{}]])('rejects the non-string %j', (input) => {
    expect(() => canonicalDecimal(input)).toThrowError(/not a string/);
  });

  // Plain positive decimals as a venue would send them: integer digits, optional padded fraction.
  const plainDecimal = fc
    .tuple(
      fc.stringMatching(/^[0-9]{1,12}$/),
      fc.option(fc.stringMatching(/^[0-9]{1,12}$/), { nil: undefined }),
      fc.nat({ max: 6 }),
    )
    .map(([int, frac, pad]) => (frac === undefined ? int : `${'0'.repeat(pad)}${int}.${frac}${'0'.repeat(pad)}`))
    .filter((s) => /[1-9]/.test(s));

  it('equals decimal.js on every plain positive decimal', () => {
    fc.assert(
      fc.property(plainDecimal, (text) => {
        const canonical = canonicalDecimal(text);
        const exact = new Decimal(text);
        expect(new Decimal(canonical).eq(exact)).toBe(true);
        expect(canonical).toBe(exact.toFixed());
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent: the canonical form round-trips to itself', () => {
    fc.assert(
      fc.property(plainDecimal, (text) => {
        const canonical = canonicalDecimal(text);
        expect(canonicalDecimal(canonical)).toBe(canonical);
        expect(isCanonicalDecimal(canonical)).toBe(true);
        expect(toDecimal(canonical).toFixed()).toBe(canonical);
      }),
      { numRuns: 2000 },
    );
  });

  it('never accepts what decimal.js would read as a different or non-positive number', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 16 }), (text) => {
        const canonical = canonicalDecimalOrUndefined(text);
        if (canonical === undefined) {
          expect(explainDecimal(text)).toBeDefined();
          return;
        }
        expect(new Decimal(text).eq(new Decimal(canonical))).toBe(true);
        expect(new Decimal(canonical).gt(0)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
