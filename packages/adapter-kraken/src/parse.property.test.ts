import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { assertArbitraryTextSafe, expectedWsTrade, rfc3339Text } from '@tickgate/adapter-conformance';
import { MAX_TIME_US, MIN_TIME_US, TradeSchema, type Trade } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { collectingSink, INSTRUMENTS, instruments, RECEIVE_US } from '../test/helpers.js';
import { createParser } from './parse.js';

const SEED = 20_260_103;
const RUNS = 1500;

/** JSON number literals of positive values within the schema's digits: plain or with an exponent. */
const numberLiteral = fc
  .tuple(fc.stringMatching(/^[1-9][0-9]{0,9}$/), fc.option(fc.stringMatching(/^[0-9]{1,8}$/), { nil: undefined }), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.integer({ min: 0, max: 9 })), { nil: undefined }))
  .map(([i, f, e]) => `${i}${f === undefined ? '' : `.${f}`}${e === undefined ? '' : `${e[0]}${e[1]}${e[2]}`}`);

interface TradeCase {
  symbolIndex: number;
  id: bigint;
  price: string;
  qty: string;
  side: 'buy' | 'sell';
  timeUs: number;
}

const tradeCase: fc.Arbitrary<TradeCase> = fc.record({
  symbolIndex: fc.nat({ max: INSTRUMENTS.length - 1 }),
  id: fc.bigInt({ min: 0n, max: 10n ** 19n }),
  price: numberLiteral,
  qty: numberLiteral,
  side: fc.constantFrom('buy', 'sell'),
  timeUs: fc.integer({ min: MIN_TIME_US, max: MAX_TIME_US - 1_000_000 }),
});

function tradeText(c: TradeCase): string {
  return `{"symbol":"${INSTRUMENTS[c.symbolIndex]!.symbol}","side":"${c.side}","price":${c.price},"qty":${c.qty},"ord_type":"limit","trade_id":${c.id},"timestamp":"${rfc3339Text(c.timeUs)}"}`;
}

function expected(c: TradeCase): Trade {
  const info = INSTRUMENTS[c.symbolIndex]!;
  return expectedWsTrade('kraken', info, {
    id: c.id.toString(),
    price: new Decimal(c.price).toFixed(),
    quantity: new Decimal(c.qty).toFixed(),
    side: c.side,
    tradeTime: c.timeUs,
  });
}

describe('parser properties', () => {
  it('every generated frame yields exactly the expected, schema-valid trades, digits as written', () => {
    fc.assert(
      fc.property(fc.array(tradeCase, { minLength: 1, maxLength: 5 }), fc.constantFrom('snapshot', 'update'), (cases, type) => {
        const sink = collectingSink();
        createParser(instruments)(`{"channel":"trade","type":"${type}","data":[${cases.map(tradeText).join(',')}]}`, RECEIVE_US, sink);
        expect(sink.rejections).toEqual([]);
        expect(sink.trades).toEqual(cases.map(expected));
        for (const t of sink.trades) expect(TradeSchema.parse(t)).toEqual(t);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('arbitrary text never throws and never yields an invalid trade', () => {
    assertArbitraryTextSafe(createParser(instruments), tradeCase.map((c) => `{"channel":"trade","type":"update","data":[${tradeText(c)}]}`.slice(0, -4)), { seed: SEED, numRuns: RUNS, events: 'at-least-one' });
  });
});
