import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simSession } from '../../test/sim-session.js';
import { TestClient } from '../../test/ws-client.js';
import { Market, type SimTrade, type SymbolSpec } from '../core/market.js';
import { startBinanceSim, type BinanceSim } from './binance-sim.js';
import { aggTradePayload, combinedFrame, combinedPrefix, integerText, timeIn, tradePayload } from './messages.js';
import { resolveSymbol } from './symbols.js';

// The documented shapes (/work/shared/protocols/binance.md), serialized the generic way: what the payloads written
// by concatenation must equal byte for byte.
function documentedTrade(trade: SimTrade, eventTime: number, microseconds: boolean): string {
  return JSON.stringify({
    e: 'trade',
    E: eventTime,
    s: trade.symbol,
    t: trade.id,
    p: trade.price,
    q: trade.qty,
    T: timeIn(trade.timeUs, microseconds),
    m: trade.buyerIsMaker,
    M: true,
  });
}

function documentedAggTrade(trade: SimTrade, aggId: number, eventTime: number, microseconds: boolean): string {
  return JSON.stringify({
    e: 'aggTrade',
    E: eventTime,
    s: trade.symbol,
    a: aggId,
    p: trade.price,
    q: trade.qty,
    f: trade.id,
    l: trade.id,
    T: timeIn(trade.timeUs, microseconds),
    m: trade.buyerIsMaker,
    M: true,
  });
}

const documentedCombined = (stream: string, payload: string) => JSON.stringify({ stream, data: JSON.parse(payload) as unknown });

const SPECS: SymbolSpec[] = [
  resolveSymbol('BTCUSDT'),
  resolveSymbol('ETHUSDT'),
  { symbol: 'SHIBUSDT', base: 'SHIB', quote: 'USDT', tickSize: '0.00000001', stepSize: '1', startPrice: '0.00001234', maxQty: '90000000', status: 'TRADING' },
  { symbol: 'BIGUSDT', base: 'BIG', quote: 'USDT', tickSize: '0.5', stepSize: '0.001', startPrice: '95000000', maxQty: '900', status: 'TRADING' },
];

/** Times as the payloads carry them: µs and ms of today, and any other integer (small, large, negative). */
const timeArb = fc.oneof(
  fc.integer({ min: 1_600_000_000_000_000, max: 2_000_000_000_000_000 }),
  fc.integer({ min: 1_600_000_000_000, max: 2_000_000_000_000 }),
  fc.integer({ min: -1_000_000, max: 2_000_000 }),
  fc.maxSafeInteger(),
);

describe('Binance trade payloads written by concatenation', () => {
  it('equal JSON.stringify of the documented shapes for generated trades, both time units, raw and combined', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.constantFrom(...SPECS),
        fc.integer({ min: 1, max: 2_000_000_000 }),
        fc.array(fc.tuple(timeArb, timeArb, fc.integer({ min: 0, max: 2 ** 40 })), { minLength: 1, maxLength: 30 }),
        (seed, spec, idStart, times) => {
          const market = new Market({ symbols: [spec], seed, tradeIdStart: idStart });
          const trades = market.generate(spec.symbol, times.length);
          trades.forEach((generated, i) => {
            const [timeUs, eventTimeUs, aggId] = times[i]!;
            // The generated trade, and the same trade at any other time.
            for (const trade of [generated, { ...generated, timeUs }]) {
              for (const microseconds of [false, true]) {
                const eventTime = microseconds ? eventTimeUs : timeIn(eventTimeUs, false);
                const tradeText = tradePayload(trade, eventTime, microseconds);
                const aggText = aggTradePayload(trade, aggId, eventTime, microseconds);
                expect(tradeText).toBe(documentedTrade(trade, eventTime, microseconds));
                expect(aggText).toBe(documentedAggTrade(trade, aggId, eventTime, microseconds));
                for (const [stream, payload] of [
                  [`${spec.symbol.toLowerCase()}@trade`, tradeText],
                  [`${spec.symbol.toLowerCase()}@aggTrade`, aggText],
                ] as const) {
                  expect(combinedFrame(stream, payload)).toBe(documentedCombined(stream, payload));
                  expect(combinedPrefix(stream) + payload + '}').toBe(documentedCombined(stream, payload));
                }
              }
            }
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('escape any symbol as JSON does, also when symbols alternate', () => {
    const base: SimTrade = { symbol: '', id: 7, price: '1.00000000', qty: '2.00000000', quoteQty: '2.00000000', timeUs: 1_700_000_000_123_456, buyerIsMaker: false };
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { minLength: 1, maxLength: 6 }), (symbols) => {
        for (const symbol of [...symbols, ...symbols]) {
          const trade = { ...base, symbol };
          expect(tradePayload(trade, 1_700_000_000_200_000, true)).toBe(documentedTrade(trade, 1_700_000_000_200_000, true));
          expect(aggTradePayload(trade, 9, 1_700_000_000_200, false)).toBe(documentedAggTrade(trade, 9, 1_700_000_000_200, false));
        }
      }),
    );
  });

  it('write integers as JSON does, whatever came before', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(timeArb, fc.double(), fc.constant(-0)), { minLength: 1, maxLength: 20 }), (values) => {
        for (const value of values) expect(integerText(value)).toBe(JSON.stringify(value) === 'null' ? String(value) : JSON.stringify(value));
      }),
    );
  });
});

describe('Binance trade frames on the wire', () => {
  const session = simSession<BinanceSim>();

  it('are the documented shapes byte for byte, raw and combined, in ms and in µs', async () => {
    const sim = session.keep(await startBinanceSim({ symbols: ['BTCUSDT', 'ETHUSDT'], seed: 5 }));
    const paths = {
      rawMs: '/ws/btcusdt@trade/ethusdt@aggTrade/btcusdt@aggTrade',
      rawUs: '/ws/btcusdt@trade/ethusdt@aggTrade/btcusdt@aggTrade?timeUnit=MICROSECOND',
      combinedMs: '/stream?streams=btcusdt@trade/ethusdt@aggTrade/btcusdt@aggTrade',
      combinedUs: '/stream?streams=btcusdt@trade/ethusdt@aggTrade/btcusdt@aggTrade&timeUnit=microsecond',
    };
    const opened: Record<string, TestClient> = {};
    for (const [name, path] of Object.entries(paths)) {
      opened[name] = await session.open(`${sim.wsUrl}${path}`);
    }
    for (const n of [1, 60, 139]) {
      sim.market.generate('BTCUSDT', n);
      sim.market.generate('ETHUSDT', n);
    }
    const expected = 200 * 2 + 200; // BTCUSDT on two streams, ETHUSDT on one
    for (const [name, client] of Object.entries(opened)) {
      await client.until(() => client.frames.length >= expected, 5000, `${expected} frames on ${name}`);
      const microseconds = name.endsWith('Us');
      const combined = name.startsWith('combined');
      const seen = new Map<string, number[]>();
      for (const frame of client.frames) {
        const parsed = JSON.parse(frame) as { stream?: string; data?: Record<string, unknown> } & Record<string, unknown>;
        const data = (combined ? parsed.data : parsed) as { e: string; E: number; s: string; t?: number; f?: number; a?: number };
        const trade = sim.market.trade(data.s, (data.e === 'trade' ? data.t : data.f) as number)!;
        const payload = data.e === 'trade' ? documentedTrade(trade, data.E, microseconds) : documentedAggTrade(trade, data.a as number, data.E, microseconds);
        const stream = `${data.s.toLowerCase()}@${data.e}`;
        expect(frame).toBe(combined ? documentedCombined(stream, payload) : payload);
        expect(data.E).toBeGreaterThanOrEqual(timeIn(trade.timeUs, microseconds));
        seen.set(stream, [...(seen.get(stream) ?? []), trade.id]);
      }
      const ids = Array.from({ length: 200 }, (_, i) => i + 1);
      expect(Object.fromEntries(seen)).toEqual({ 'btcusdt@trade': ids, 'btcusdt@aggTrade': ids, 'ethusdt@aggTrade': ids });
    }
  });
});
