import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { assertArbitraryTextSafe, expectedWsTrade, plainDecimalText } from '@tickgate/adapter-conformance';
import { MAX_TIME_US, MIN_TIME_US, TradeSchema, type Trade } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { collectingSink, INSTRUMENTS, instruments, RECEIVE_US } from '../test/helpers.js';
import { createParser } from './parse.js';

const SEED = 20_260_104;
const RUNS = 1500;

const decimalText = plainDecimalText({ maxTrailingZeros: 4 });

interface Element {
  symbolIndex: number;
  lastId: bigint;
  count: number | undefined;
  px: string;
  sz: string;
  side: 'buy' | 'sell';
  ms: number;
}

const element: fc.Arbitrary<Element> = fc
  .record({
    symbolIndex: fc.nat({ max: INSTRUMENTS.length - 1 }),
    lastId: fc.bigInt({ min: 0n, max: 10n ** 19n }),
    count: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
    px: decimalText,
    sz: decimalText,
    side: fc.constantFrom('buy', 'sell'),
    ms: fc.integer({ min: MIN_TIME_US / 1000, max: MAX_TIME_US / 1000 }),
  })
  .filter((e) => e.count === undefined || e.lastId + 1n >= BigInt(e.count));

function wire(e: Element): Record<string, unknown> {
  const o: Record<string, unknown> = { instId: INSTRUMENTS[e.symbolIndex]!.symbol, tradeId: e.lastId.toString(), px: e.px, sz: e.sz, side: e.side, ts: String(e.ms) };
  if (e.count !== undefined) o['count'] = String(e.count);
  return o;
}

function expected(e: Element): Trade {
  const info = INSTRUMENTS[e.symbolIndex]!;
  return expectedWsTrade('okx', info, {
    id: e.lastId.toString(),
    price: new Decimal(e.px).toFixed(),
    quantity: new Decimal(e.sz).toFixed(),
    side: e.side,
    tradeTime: e.ms * 1000,
  });
}

describe('parser properties', () => {
  it('every generated push yields the expected, schema-valid trades with their spans', () => {
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 4 }), (elements) => {
        const sink = collectingSink();
        createParser(instruments)(JSON.stringify({ arg: { channel: 'trades', instId: 'BTC-USDT' }, data: elements.map(wire) }), RECEIVE_US, sink);
        expect(sink.rejections).toEqual([]);
        expect(sink.trades).toEqual(elements.map(expected));
        expect(sink.spans).toEqual(elements.map((e) => e.count ?? 1));
        for (const t of sink.trades) expect(TradeSchema.parse(t)).toEqual(t);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('consecutive pushes with spans leave no hole: each first id follows the previous last id', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 10 }), (start, counts) => {
        const sink = collectingSink();
        const parser = createParser(instruments);
        let last = start;
        for (const count of counts) {
          last += BigInt(count);
          parser(JSON.stringify({ arg: { channel: 'trades', instId: 'BTC-USDT' }, data: [{ instId: 'BTC-USDT', tradeId: last.toString(), px: '1', sz: '1', side: 'buy', ts: '1767225600000', count: String(count) }] }), RECEIVE_US, sink);
        }
        let prev = start;
        sink.trades.forEach((t, i) => {
          const first = BigInt(t.id) - BigInt(sink.spans[i]!) + 1n;
          expect(first).toBe(prev + 1n);
          prev = BigInt(t.id);
        });
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('arbitrary text never throws and never yields an invalid trade', () => {
    assertArbitraryTextSafe(createParser(instruments), element.map((e) => JSON.stringify({ arg: { channel: 'trades' }, data: [wire(e)] }).slice(0, -3)), { seed: SEED, numRuns: RUNS, events: 'at-least-one' });
  });
});
