import { ParseError, rfc3339ToMicros, type FrameParser } from '@tickgate/core';
import { canonicalDecimalOrUndefined, MAX_TIME_US, MIN_TIME_US } from '@tickgate/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectingSink } from './sink.js';
import { assertArbitraryTextSafe, expectedWsTrade, expectFieldRejection, expectOneTrade, parseErrorOf, parseOneEvent, plainDecimalText, rfc3339Text } from './test-kit.js';

// The shared test pieces must be able to fail: each is fed something wrong here.

const silent: FrameParser = () => undefined;
const thrower: FrameParser = () => {
  throw new Error('boom');
};

describe('adapter test kit', () => {
  it('parseErrorOf returns the ParseError thrown and fails on a return or another error', () => {
    const error = new ParseError('invalid-field', 'x: bad');
    expect(
      parseErrorOf(() => {
        throw error;
      }),
    ).toBe(error);
    expect(() => parseErrorOf(() => 1)).toThrow('expected a ParseError');
    expect(() =>
      parseErrorOf(() => {
        throw new RangeError('no');
      }),
    ).toThrow();
  });

  it('parseOneEvent fails on a frame that yields no event', () => {
    expect(() => parseOneEvent(silent, '{}')).toThrow();
  });

  it('expectOneTrade returns the one valid trade and fails on none, two, a rejection or an invalid trade', () => {
    const info = { instrument: 'BTC-USD', symbol: 'BTC-USD', base: 'BTC', quote: 'USD' };
    const trade = expectedWsTrade('coinbase', info, { id: '1', price: '1.5', quantity: '2', side: 'buy', tradeTime: 1_767_225_600_000_000 });
    const sink = collectingSink();
    expect(() => expectOneTrade(sink)).toThrow();
    sink.trade(trade);
    expect(expectOneTrade(sink)).toBe(trade);
    sink.reject({ reason: 'invalid-field', message: 'x: bad', raw: '{}' });
    expect(() => expectOneTrade(sink)).toThrow();
    const bad = collectingSink();
    bad.trade({ ...trade, price: '1.50' });
    expect(() => expectOneTrade(bad)).toThrow();
  });

  it('expectFieldRejection returns the one invalid-field rejection naming the field, and fails otherwise', () => {
    const sink = collectingSink();
    sink.reject({ reason: 'invalid-field', message: 'price: bad (got 1)', raw: '{}' });
    expect(expectFieldRejection(sink, 'price').message).toBe('price: bad (got 1)');
    expect(() => expectFieldRejection(sink, 'size')).toThrow();
    const other = collectingSink();
    other.reject({ reason: 'unknown-message', message: 'price: bad', raw: '{}' });
    expect(() => expectFieldRejection(other, 'price')).toThrow();
    other.control({ type: 'pong' });
    expect(() => expectFieldRejection(other, 'price')).toThrow();
  });

  it('assertArbitraryTextSafe fails on a parser that throws or reports nothing', () => {
    const options = { seed: 1, numRuns: 20, events: 'at-least-one' } as const;
    expect(() => assertArbitraryTextSafe(thrower, fc.constant('{}'), options)).toThrow();
    expect(() => assertArbitraryTextSafe(silent, fc.constant('{}'), options)).toThrow();
  });

  it('plainDecimalText gives positive decimals within the schema digits', () => {
    fc.assert(
      fc.property(plainDecimalText({ maxTrailingZeros: 4 }), plainDecimalText({ maxTrailingZeros: 8, maxLeadingZeros: 3 }), (plain, padded) => {
        expect(canonicalDecimalOrUndefined(plain)).toBeDefined();
        expect(canonicalDecimalOrUndefined(padded)).toBeDefined();
        expect(padded).toMatch(/^[0-9]+(\.[0-9]+)?$/);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('rfc3339Text writes six fraction digits that read back to the same microsecond', () => {
    expect(rfc3339Text(1_767_225_600_000_001)).toBe('2026-01-01T00:00:00.000001Z');
    fc.assert(
      fc.property(fc.integer({ min: MIN_TIME_US, max: MAX_TIME_US - 1_000_000 }), (us) => {
        expect(rfc3339ToMicros(rfc3339Text(us))).toBe(us);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
