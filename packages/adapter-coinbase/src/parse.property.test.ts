import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { assertArbitraryTextSafe, expectedWsTrade, expectFieldRejection, expectOneTrade, parseCollect, plainDecimalText, rfc3339Text } from '@tickgate/adapter-conformance';
import { MAX_TIME_US, MIN_TIME_US, type Trade } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { INSTRUMENTS, instruments, RECEIVE_US } from '../test/helpers.js';
import { createParser } from './parse.js';

const SEED = 20_260_102;
const RUNS = 2000;

/** Plain positive decimals as Coinbase writes them: fraction padded with trailing zeros, within 24.24 digits. */
const decimalText = plainDecimalText({ maxTrailingZeros: 8, maxLeadingZeros: 3 });

interface ValidCase {
  symbolIndex: number;
  id: number;
  price: string;
  size: string;
  makerSide: 'buy' | 'sell';
  timeUs: number;
  type: 'match' | 'last_match';
  extra: Record<string, unknown>;
}

const validCase: fc.Arbitrary<ValidCase> = fc.record({
  symbolIndex: fc.nat({ max: INSTRUMENTS.length - 1 }),
  id: fc.oneof(fc.nat({ max: 1000 }), fc.maxSafeNat()),
  price: decimalText,
  size: decimalText,
  makerSide: fc.constantFrom('buy', 'sell'),
  timeUs: fc.integer({ min: MIN_TIME_US, max: MAX_TIME_US - 1_000_000 }),
  type: fc.constantFrom('match', 'last_match'),
  extra: fc.dictionary(fc.constantFrom('sequence', 'maker_order_id', 'X'), fc.oneof(fc.integer(), fc.string(), fc.boolean()), { maxKeys: 3 }),
});

function payload(c: ValidCase): Record<string, unknown> {
  const symbol = INSTRUMENTS[c.symbolIndex]!.symbol;
  return { type: c.type, trade_id: c.id, time: rfc3339Text(c.timeUs), product_id: symbol, size: c.size, price: c.price, side: c.makerSide, ...c.extra };
}

function expected(c: ValidCase): Trade {
  const info = INSTRUMENTS[c.symbolIndex]!;
  return expectedWsTrade('coinbase', info, {
    id: String(c.id),
    price: new Decimal(c.price).toFixed(),
    quantity: new Decimal(c.size).toFixed(),
    side: c.makerSide === 'sell' ? 'buy' : 'sell',
    tradeTime: c.timeUs,
  });
}

function parse(raw: string) {
  return parseCollect(createParser(instruments), raw, RECEIVE_US);
}

describe('parser properties', () => {
  it('every generated valid frame yields exactly the expected, schema-valid trade', () => {
    fc.assert(
      fc.property(validCase, (c) => {
        const sink = parse(JSON.stringify(payload(c)));
        expect(expectOneTrade(sink)).toEqual(expected(c));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  const corruption = fc.oneof(
    fc.record({ field: fc.constant('price'), value: fc.constantFrom<unknown>('1e5', '-1', '0', '+1', '.5', '5.', 'NaN', '', ' 1', '1'.repeat(25), 12.5, null, true) }),
    fc.record({ field: fc.constant('size'), value: fc.constantFrom<unknown>('1E-3', '-0.1', '00', 'Infinity', '1.2.3', 1, null, [], {}) }),
    fc.record({ field: fc.constant('trade_id'), value: fc.constantFrom<unknown>(-1, 1.5, '12', null, 2 ** 53, {}) }),
    fc.record({ field: fc.constant('time'), value: fc.constantFrom<unknown>(0, '2026-01-01', '2026-01-01T00:00:00', '1767225600123456', null, '2026-13-01T00:00:00Z') }),
    fc.record({ field: fc.constant('side'), value: fc.constantFrom<unknown>('BUY', 'Sell', 1, null, true, '') }),
    fc.record({ field: fc.constant('product_id'), value: fc.constantFrom<unknown>(7, null, ['BTC-USD']) }),
  );

  it('every generated invalid frame is rejected, names the field, and carries what could be read', () => {
    fc.assert(
      fc.property(validCase, corruption, fc.boolean(), (c, { field, value }, omit) => {
        const data = payload(c);
        if (omit) delete data[field];
        else data[field] = value;
        const sink = parse(JSON.stringify(data));
        const r = expectFieldRejection(sink, field);
        if (field !== 'product_id') expect(r.instrument).toBe(INSTRUMENTS[c.symbolIndex]!.instrument);
        if (field !== 'trade_id') expect(r.tradeId).toBe(String(c.id));
        else expect(r.tradeId).toBeUndefined();
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('arbitrary text never throws and never yields an invalid trade', () => {
    assertArbitraryTextSafe(createParser(instruments), validCase.map((c) => JSON.stringify(payload(c)).slice(0, -3)), { seed: SEED, numRuns: RUNS, events: 'one' });
  });
});
