import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { assertArbitraryTextSafe, expectedWsTrade, expectFieldRejection, expectOneTrade, parseCollect, plainDecimalText } from '@tickgate/adapter-conformance';
import { MAX_TIME_US, MIN_TIME_US, type Trade } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { INSTRUMENTS, instruments, RECEIVE_US } from '../test/helpers.js';
import { createParser, type BinanceTimeUnit } from './parse.js';

const SEED = 20_260_101;
const RUNS = 3000;

/** Plain positive decimals as Binance writes them: fraction padded with trailing zeros, within 24.24 digits. */
const decimalText = plainDecimalText({ maxTrailingZeros: 8, maxLeadingZeros: 3 });

const tradeTimeUs = fc.integer({ min: MIN_TIME_US, max: MAX_TIME_US });

interface ValidCase {
  symbolIndex: number;
  id: number;
  price: string;
  quantity: string;
  buyerIsMaker: boolean;
  timeUnit: BinanceTimeUnit;
  timeUs: number;
  combined: boolean;
  extra: Record<string, unknown>;
}

const validCase: fc.Arbitrary<ValidCase> = fc.record({
  symbolIndex: fc.nat({ max: INSTRUMENTS.length - 1 }),
  id: fc.oneof(fc.nat({ max: 1000 }), fc.maxSafeNat()),
  price: decimalText,
  quantity: decimalText,
  buyerIsMaker: fc.boolean(),
  timeUnit: fc.constantFrom<BinanceTimeUnit>('ms', 'us'),
  timeUs: tradeTimeUs,
  combined: fc.boolean(),
  // Unknown extra fields must be ignored (older payloads carried `b`/`a`).
  extra: fc.dictionary(fc.constantFrom('b', 'a', 'X', 'zz'), fc.oneof(fc.integer(), fc.string(), fc.boolean()), { maxKeys: 3 }),
});

/** The frame's time in the connection's unit: whole milliseconds on a ms connection. */
function wireTime(c: ValidCase): number {
  return c.timeUnit === 'us' ? c.timeUs : Math.floor(c.timeUs / 1000);
}

function payload(c: ValidCase): Record<string, unknown> {
  const symbol = INSTRUMENTS[c.symbolIndex]!.symbol;
  return { e: 'trade', E: wireTime(c), s: symbol, t: c.id, p: c.price, q: c.quantity, T: wireTime(c), m: c.buyerIsMaker, M: true, ...c.extra };
}

function frame(c: ValidCase, data: Record<string, unknown> = payload(c)): string {
  return c.combined ? JSON.stringify({ stream: `${String(data['s']).toLowerCase()}@trade`, data }) : JSON.stringify(data);
}

/** What the trade must be, computed independently: decimal.js for the canonical value. */
function expected(c: ValidCase): Trade {
  const info = INSTRUMENTS[c.symbolIndex]!;
  return expectedWsTrade('binance', info, {
    id: String(BigInt(c.id)),
    price: new Decimal(c.price).toFixed(),
    quantity: new Decimal(c.quantity).toFixed(),
    side: c.buyerIsMaker ? 'sell' : 'buy',
    tradeTime: c.timeUnit === 'us' ? c.timeUs : Math.floor(c.timeUs / 1000) * 1000,
  });
}

function parse(raw: string, timeUnit: BinanceTimeUnit) {
  return parseCollect(createParser(instruments, { timeUnit }), raw, RECEIVE_US);
}

describe('parser properties', () => {
  it('every generated valid frame yields exactly the expected, schema-valid trade', () => {
    fc.assert(
      fc.property(validCase, (c) => {
        // A ms connection cannot carry times below MIN_TIME_US after flooring; skip those few.
        fc.pre(expected(c).tradeTime >= MIN_TIME_US);
        const sink = parse(frame(c), c.timeUnit);
        expect(expectOneTrade(sink)).toEqual(expected(c));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  /** One field broken in a way the parser must catch, and the rejection it must give. */
  const corruption = fc.oneof(
    fc.record({ field: fc.constant('p'), value: fc.constantFrom<unknown>('1e5', '-1', '0', '0.000', '+1', '.5', '5.', 'NaN', '', ' 1', '1,5', '1'.repeat(25), `0.${'0'.repeat(24)}1`, 12.5, null, true) }),
    fc.record({ field: fc.constant('q'), value: fc.constantFrom<unknown>('1E-3', '-0.1', '00', 'Infinity', '1.2.3', 1, null, [], {}) }),
    fc.record({ field: fc.constant('t'), value: fc.constantFrom<unknown>(-1, 1.5, '12', null, 2 ** 53, Number.MAX_VALUE, {}) }),
    fc.record({ field: fc.constant('T'), value: fc.constantFrom<unknown>(0, -1, 1.5, '1767225600123456', null, 5e15, 1e9) }),
    fc.record({ field: fc.constant('m'), value: fc.constantFrom<unknown>('true', 1, 0, null, 'false') }),
    fc.record({ field: fc.constant('s'), value: fc.constantFrom<unknown>(7, null, ['BTCUSDT']) }),
  );

  it('every generated invalid frame is rejected, names the field, and carries what could be read', () => {
    fc.assert(
      fc.property(validCase, corruption, fc.boolean(), (c, { field, value }, omit) => {
        const data = payload(c);
        if (omit) delete data[field];
        else data[field] = value;
        const sink = parse(frame(c, data), c.timeUnit);
        const r = expectFieldRejection(sink, field);
        expect(r.raw.length).toBeLessThanOrEqual(200);
        if (field !== 's') expect(r.instrument).toBe(INSTRUMENTS[c.symbolIndex]!.instrument);
        if (field !== 't') expect(r.tradeId).toBe(String(c.id));
        else expect(r.tradeId).toBeUndefined();
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('times in the other unit are rejected, never shifted', () => {
    fc.assert(
      fc.property(validCase, (c) => {
        fc.pre(expected(c).tradeTime >= MIN_TIME_US);
        const other: BinanceTimeUnit = c.timeUnit === 'us' ? 'ms' : 'us';
        const sink = parse(frame(c), other);
        expect(sink.trades).toEqual([]);
        expect(sink.rejections[0]?.message).toMatch(/^T: /);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('arbitrary text never throws and never yields an invalid trade', () => {
    assertArbitraryTextSafe(createParser(instruments), validCase.map((c) => frame(c).slice(0, -3)), { seed: SEED, numRuns: RUNS, events: 'one' });
  });
});
