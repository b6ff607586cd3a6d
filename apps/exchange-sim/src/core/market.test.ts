import { describe, expect, it } from 'vitest';
import { formatUnits, toUnits } from './fixed-point.js';
import { Market, type SymbolSpec } from './market.js';

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
});
