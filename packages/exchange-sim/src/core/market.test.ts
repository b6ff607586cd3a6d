import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatUnits, multiplyUnits, toUnits } from './fixed-point.js';
import { Market, type MarketOptions, type SimTrade, type SymbolSpec } from './market.js';

const BTC: SymbolSpec = {
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  tickSize: '0.01',
  stepSize: '0.00001',
  startPrice: '97000.00',
  maxQty: '2',
  status: 'TRADING',
};

describe('Market', () => {
  it('makes exactly n trades on request, with consecutive ids from the configured start', () => {
    const market = new Market({ symbols: [BTC], tradeIdStart: 1000 });
    const seen: number[] = [];
    market.onTrades((_s, trades) => seen.push(...trades.map((t) => t.id)));
    expect(market.lastId('BTCUSDT')).toBeUndefined();
    const trades = market.generate('BTCUSDT', 5);
    expect(trades.map((t) => t.id)).toEqual([1000, 1001, 1002, 1003, 1004]);
    expect(seen).toEqual([1000, 1001, 1002, 1003, 1004]);
    expect(market.lastId('BTCUSDT')).toBe(1004);
    expect(market.running).toBe(false);
  });

  it('is deterministic for a seed and different for another seed', () => {
    const shape = (seed: number) =>
      new Market({ symbols: [BTC], seed })
        .generate('BTCUSDT', 50)
        .map((t) => `${t.price}/${t.qty}/${t.buyerIsMaker}`);
    expect(shape(7)).toEqual(shape(7));
    expect(shape(7)).not.toEqual(shape(8));
  });

  it('writes prices on the tick and quantities on the step with 8 decimals, both taker sides', () => {
    const market = new Market({ symbols: [BTC], seed: 3 });
    const trades = market.generate('BTCUSDT', 500);
    for (const t of trades) {
      expect(t.price).toMatch(/^\d+\.\d{8}$/);
      expect(t.qty).toMatch(/^\d+\.\d{8}$/);
      expect(toUnits(t.price) % toUnits('0.01')).toBe(0n);
      expect(toUnits(t.qty) % toUnits('0.00001')).toBe(0n);
      expect(toUnits(t.qty) > 0n).toBe(true);
      expect(t.quoteQty).toBe(formatUnits((toUnits(t.price) * toUnits(t.qty)) / 10n ** 8n));
    }
    expect(new Set(trades.map((t) => t.buyerIsMaker))).toEqual(new Set([true, false]));
    expect(new Set(trades.map((t) => t.price)).size).toBeGreaterThan(5);
    const times = trades.map((t) => t.timeUs);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(Math.abs(times[0]! / 1000 - Date.now())).toBeLessThan(60_000);
  });

  it('keeps a bounded history that serves ranges by id', () => {
    const market = new Market({ symbols: [BTC], historySize: 10 });
    market.generate('BTCUSDT', 25);
    expect(market.firstId('BTCUSDT')).toBe(16);
    expect(market.trades('BTCUSDT').map((t) => t.id)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(market.trades('BTCUSDT', { fromId: 20, limit: 3 }).map((t) => t.id)).toEqual([20, 21, 22]);
    expect(market.trades('BTCUSDT', { fromId: 1, limit: 2 }).map((t) => t.id)).toEqual([16, 17]);
    expect(market.latest('BTCUSDT', 2).map((t) => t.id)).toEqual([24, 25]);
    expect(market.trade('BTCUSDT', 18)?.id).toBe(18);
    expect(market.trade('BTCUSDT', 3)).toBeUndefined();
  });

  it('trades automatically at a rate and stops', async () => {
    const market = new Market({ symbols: [BTC], rate: 200 });
    market.start();
    await new Promise<void>((resolve) => {
      const off = market.onTrades(() => {
        if ((market.lastId('BTCUSDT') ?? 0) >= 5) {
          off();
          resolve();
        }
      });
    });
    market.stop();
    const last = market.lastId('BTCUSDT');
    await new Promise((r) => setTimeout(r, 50));
    expect(market.lastId('BTCUSDT')).toBe(last);
  });

  // Prices and quantities far apart in size: small tick and step, a price past 2^53 units of 10^-8, a tick and a step
  // whose product does not divide 10^8.
  const VARIED: SymbolSpec[] = [
    BTC,
    { symbol: 'TINY', base: 'T', quote: 'U', tickSize: '0.00000001', stepSize: '0.00000001', startPrice: '0.00001234', maxQty: '5000000', status: 'TRADING' },
    { symbol: 'HUGE', base: 'H', quote: 'U', tickSize: '0.5', stepSize: '0.001', startPrice: '95000000', maxQty: '90000', status: 'TRADING' },
    { symbol: 'ODD', base: 'O', quote: 'U', tickSize: '0.00000003', stepSize: '7', startPrice: '12.34567891', maxQty: '700000', status: 'TRADING' },
  ];

  /** Digest of every trade (less its wall-clock time), book and last price made, then of the history read back. */
  function digest(options: Partial<MarketOptions>): string {
    const market = new Market({ symbols: VARIED, seed: 'golden', tradeIdStart: 100, historySize: 700, ...options });
    const hash = createHash('sha256');
    for (let round = 0; round < 20; round++) {
      for (const s of VARIED) {
        for (const t of market.generate(s.symbol, 1 + ((round * 7) % 90))) {
          hash.update(`${t.symbol} ${t.id} ${t.price} ${t.qty} ${t.quoteQty} ${t.buyerIsMaker} ${t.takerOrder}\n`);
        }
        const b = market.book(s.symbol);
        hash.update(`${b.updateId} ${b.bidPrice} ${b.bidQty} ${b.askPrice} ${b.askQty} ${market.lastPrice(s.symbol)}\n`);
      }
    }
    for (const s of VARIED) {
      for (const t of market.trades(s.symbol)) {
        hash.update(`H ${t.symbol} ${t.id} ${t.price} ${t.qty} ${t.quoteQty} ${t.buyerIsMaker} ${t.takerOrder} ${Object.keys(t).join(',')}\n`);
      }
    }
    return hash.digest('hex');
  }

  it('makes the same trades, books and history for a seed as it always has', () => {
    // Recorded with the market as it was when trades were kept as objects and every amount was a bigint.
    expect(digest({})).toBe('1b266da7e8cc228f0cc8a19f314c77843d75eb60e584180ee2485d7262050a3c');
    expect(digest({ sweeps: { probability: 0.3, maxTrades: 5 } })).toBe('8b0b6df7a9e5123d5ee1b673f10d6d574497d131515e032aced3bf9ae730c16b');
  });

  it('reads back from history exactly the trades it made, after the history wrapped, with and without sweeps', () => {
    for (const sweeps of [undefined, { probability: 0.5, maxTrades: 4 }]) {
      const market = new Market({ symbols: VARIED, seed: 11, historySize: 37, ...(sweeps ? { sweeps } : {}) });
      for (const s of VARIED) {
        const made: SimTrade[] = [];
        for (const n of [5, 1, 30, 0, 17, 2]) made.push(...market.generate(s.symbol, n));
        const kept = made.slice(-37);
        expect(market.trades(s.symbol)).toEqual(kept);
        expect(market.trades(s.symbol).map((t) => Object.keys(t))).toEqual(kept.map((t) => Object.keys(t)));
        expect(market.firstId(s.symbol)).toBe(kept[0]!.id);
        expect(market.lastId(s.symbol)).toBe(made[made.length - 1]!.id);
        for (const t of made) expect(market.trade(s.symbol, t.id)).toEqual(kept.includes(t) ? t : undefined);
        expect(market.trades(s.symbol, { fromId: kept[3]!.id, limit: 5 })).toEqual(kept.slice(3, 8));
        expect(market.latest(s.symbol, 4)).toEqual(kept.slice(-4));
        // Positions are whole: a fractional id or limit never reads between two trades.
        expect(market.trades(s.symbol, { fromId: kept[3]!.id - 0.5, limit: 2 })).toEqual(kept.slice(3, 5));
        expect(market.latest(s.symbol, 2.5)).toEqual(kept.slice(-2));
        const middle = kept[10]!.timeUs;
        expect(market.tradesBetween(s.symbol, middle, middle, 1000)).toEqual(kept.filter((t) => t.timeUs === middle));
        expect(market.tradesBetween(s.symbol, 0, Number.MAX_SAFE_INTEGER, 3)).toEqual(kept.slice(0, 3));
        if (sweeps) expect(made.every((t) => typeof t.takerOrder === 'number')).toBe(true);
        else expect(made.some((t) => 'takerOrder' in t)).toBe(false);
      }
    }
  });

  it('writes exact prices, quantities and quote quantities for any tick, step and start price', () => {
    const decimal = (maxWhole: number) =>
      fc
        .tuple(fc.nat({ max: maxWhole }), fc.nat({ max: 99_999_999 }))
        .map(([whole, fraction]) => `${whole}.${String(fraction).padStart(8, '0')}`)
        .filter((d) => toUnits(d) > 0n);
    fc.assert(
      fc.property(decimal(1000), decimal(100), decimal(200_000_000), decimal(10_000_000), fc.integer({ min: 1, max: 1000 }), (tickSize, stepSize, startPrice, maxQty, seed) => {
        const spec: SymbolSpec = { symbol: 'X', base: 'X', quote: 'Y', tickSize, stepSize, startPrice, maxQty, status: 'TRADING' };
        const tick = toUnits(tickSize);
        if (toUnits(startPrice) / tick > BigInt(Number.MAX_SAFE_INTEGER)) {
          expect(() => new Market({ symbols: [spec], seed })).toThrow(/too many ticks/);
          return;
        }
        const market = new Market({ symbols: [spec], seed });
        const step = toUnits(stepSize);
        for (const t of market.generate('X', 40)) {
          expect(t.price).toMatch(/^\d+\.\d{8}$/);
          expect(t.qty).toMatch(/^\d+\.\d{8}$/);
          expect(toUnits(t.price) % tick).toBe(0n);
          expect(toUnits(t.qty) % step).toBe(0n);
          expect(toUnits(t.qty) > 0n).toBe(true);
          expect(t.quoteQty).toBe(formatUnits(multiplyUnits(toUnits(t.price), toUnits(t.qty))));
        }
        expect(market.lastPrice('X')).toBe(market.trades('X').at(-1)!.price);
      }),
      { numRuns: 300, examples: [['0.00000001', '0.00000001', '200000000.00000000', '1.00000000', 1]] },
    );
  });
});
