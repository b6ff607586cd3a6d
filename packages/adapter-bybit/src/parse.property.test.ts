import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { assertArbitraryTextSafe, expectedWsTrade, plainDecimalText } from '@tickgate/adapter-conformance';
import { MAX_TIME_US, MIN_TIME_US, TradeSchema, type Trade } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { collectingSink, INSTRUMENTS, instruments, RECEIVE_US } from '../test/helpers.js';
import { createParser } from './parse.js';

const SEED = 20_260_105;
const RUNS = 1500;

const decimalText = plainDecimalText({ maxTrailingZeros: 4 });

interface Element {
  symbolIndex: number;
  id: string;
  p: string;
  v: string;
  side: 'Buy' | 'Sell';
  ms: number;
  blockTrade: boolean;
}

const element: fc.Arbitrary<Element> = fc.record({
  symbolIndex: fc.nat({ max: INSTRUMENTS.length - 1 }),
  id: fc.oneof(fc.uuid(), fc.bigInt({ min: 0n, max: 10n ** 19n }).map(String)),
  p: decimalText,
  v: decimalText,
  side: fc.constantFrom('Buy', 'Sell'),
  ms: fc.integer({ min: MIN_TIME_US / 1000, max: MAX_TIME_US / 1000 }),
  blockTrade: fc.boolean(),
});

function wire(e: Element): Record<string, unknown> {
  return { T: e.ms, s: INSTRUMENTS[e.symbolIndex]!.symbol, S: e.side, v: e.v, p: e.p, L: 'ZeroMinusTick', i: e.id, BT: e.blockTrade, seq: 1 };
}

function expected(e: Element): Trade {
  const info = INSTRUMENTS[e.symbolIndex]!;
  return expectedWsTrade('bybit', info, {
    id: e.id,
    price: new Decimal(e.p).toFixed(),
    quantity: new Decimal(e.v).toFixed(),
    side: e.side === 'Buy' ? 'buy' : 'sell',
    tradeTime: e.ms * 1000,
  });
}

describe('parser properties', () => {
  it('every generated push yields the expected, schema-valid trades in wire order', () => {
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 5 }), (elements) => {
        const sink = collectingSink();
        createParser(instruments)(JSON.stringify({ topic: 'publicTrade.BTCUSDT', type: 'snapshot', ts: elements[0]!.ms, data: elements.map(wire) }), RECEIVE_US, sink);
        expect(sink.rejections).toEqual([]);
        expect(sink.trades).toEqual(elements.map(expected));
        for (const t of sink.trades) expect(TradeSchema.parse(t)).toEqual(t);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('arbitrary text never throws and never yields an invalid trade', () => {
    assertArbitraryTextSafe(createParser(instruments), element.map((e) => JSON.stringify({ topic: 'publicTrade.BTCUSDT', data: [wire(e)] }).slice(0, -3)), { seed: SEED, numRuns: RUNS, events: 'at-least-one' });
  });
});
