import { describe, expect, it } from 'vitest';
import { toUnits } from './fixed-point.js';
import { Market, type MarketOptions, type SimTrade, type SymbolSpec } from './market.js';
import type { BookBatch, BookView } from './order-book.js';

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

function bookMarket(options: Partial<MarketOptions> = {}): { market: Market; batches: BookBatch[]; trades: SimTrade[] } {
  const market = new Market({ symbols: [BTC], books: {}, ...options });
  const batches: BookBatch[] = [];
  const trades: SimTrade[] = [];
  market.onBook((b) => batches.push(b));
  market.onTrades((_s, t) => trades.push(...t));
  return { market, batches, trades };
}

/** A client's book: apply absolute sizes, remove zeros. */
function apply(levels: Map<string, string>, changes: readonly { price: string; qty: string }[]): void {
  for (const c of changes) {
    if (toUnits(c.qty) === 0n) levels.delete(c.price);
    else levels.set(c.price, c.qty);
  }
}

const sideMap = (levels: BookView['bids']) => new Map(levels.map((l) => [l.price, l.qty]));
const sorted = (m: Map<string, string>, descending: boolean) =>
  [...m.entries()].sort((a, b) => {
    const d = toUnits(a[0]) - toUnits(b[0]);
    return (d < 0n ? -1 : d > 0n ? 1 : 0) * (descending ? -1 : 1);
  });

function expectNotCrossed(view: BookView): void {
  expect(view.bids.length).toBeGreaterThan(0);
  expect(view.asks.length).toBeGreaterThan(0);
  expect(toUnits(view.bids[0]!.price) < toUnits(view.asks[0]!.price)).toBe(true);
  for (let i = 1; i < view.bids.length; i++) expect(toUnits(view.bids[i]!.price) < toUnits(view.bids[i - 1]!.price)).toBe(true);
  for (let i = 1; i < view.asks.length; i++) expect(toUnits(view.asks[i]!.price) > toUnits(view.asks[i - 1]!.price)).toBe(true);
}

describe('order books in the market', () => {
  it('keeps an uncrossed book on the tick and step grids, with consecutive per-change ids', () => {
    const { market, batches } = bookMarket({ seed: 5 });
    const start = market.orderBook('BTCUSDT');
    expect(start.updateId).toBe(1);
    expect(start.bids.length).toBe(20);
    for (let i = 0; i < 200; i++) market.changeBook('BTCUSDT', 1 + (i % 4));
    market.generate('BTCUSDT', 50);
    let prev = 1;
    for (const b of batches) {
      expect(b.firstUpdateId).toBe(prev + 1);
      expect(b.prevUpdateId).toBe(prev);
      expect(b.lastUpdateId).toBeGreaterThanOrEqual(b.firstUpdateId);
      prev = b.lastUpdateId;
      for (const c of b.changes) {
        expect(c.price).toMatch(/^\d+\.\d{8}$/);
        expect(toUnits(c.price) % toUnits(BTC.tickSize)).toBe(0n);
        expect(toUnits(c.qty) % toUnits(BTC.stepSize)).toBe(0n);
        expect(toUnits(c.qty) === 0n).toBe(c.orders === 0);
      }
    }
    expect(market.bookUpdateId('BTCUSDT')).toBe(prev);
    const view = market.orderBook('BTCUSDT');
    expect(view.updateId).toBe(prev);
    expectNotCrossed(view);
    const causes = new Set(batches.map((b) => b.cause));
    expect(causes).toEqual(new Set(['orders', 'trades']));
    // Adds, size changes and removals all happened.
    const all = batches.flatMap((b) => b.changes);
    expect(all.some((c) => c.qty === '0.00000000')).toBe(true);
    expect(all.some((c) => c.qty !== '0.00000000' && !start.bids.concat(start.asks).some((l) => l.price === c.price))).toBe(true);
  });

  it('makes each trade against the best level on the taker side opposite, reducing or removing it', () => {
    const { market, batches } = bookMarket({ seed: 9 });
    for (let i = 0; i < 100; i++) {
      const before = market.orderBook('BTCUSDT');
      const [trade] = market.generate('BTCUSDT', 1);
      const t = trade!;
      const hit = t.buyerIsMaker ? before.bids[0]! : before.asks[0]!; // the taker sold into the bid, or bought the ask
      expect(t.price).toBe(hit.price);
      expect(toUnits(t.qty) > 0n && toUnits(t.qty) <= toUnits(hit.qty)).toBe(true);
      const batch = batches.at(-1)!;
      expect(batch.cause).toBe('trades');
      const change = batch.changes.find((c) => c.price === hit.price && c.side === (t.buyerIsMaker ? 'bid' : 'ask'))!;
      expect(toUnits(change.qty)).toBe(toUnits(hit.qty) - toUnits(t.qty));
      expect(market.lastPrice('BTCUSDT')).toBe(t.price);
      expectNotCrossed(market.orderBook('BTCUSDT'));
    }
    // The top reported for book tickers is the book's own.
    const view = market.orderBook('BTCUSDT');
    expect(market.book('BTCUSDT')).toEqual({
      updateId: view.updateId,
      bidPrice: view.bids[0]!.price,
      bidQty: view.bids[0]!.qty,
      askPrice: view.asks[0]!.price,
      askQty: view.asks[0]!.qty,
    });
  });

  it('ends a sweep when its level is gone and keeps sweep trades at one price', () => {
    const { market } = bookMarket({ seed: 2, sweeps: { probability: 1, maxTrades: 6 } });
    const trades = market.generate('BTCUSDT', 300);
    const byOrder = new Map<number, SimTrade[]>();
    for (const t of trades) byOrder.set(t.takerOrder!, [...(byOrder.get(t.takerOrder!) ?? []), t]);
    expect([...byOrder.values()].some((o) => o.length > 1)).toBe(true);
    for (const o of byOrder.values()) expect(new Set(o.map((t) => `${t.price}/${String(t.buyerIsMaker)}`)).size).toBe(1);
  });

  it('is deterministic under a seed, and books do not change trades when they are off', () => {
    const run = (seed: number) => {
      const { market, batches } = bookMarket({ seed });
      for (let i = 0; i < 30; i++) {
        market.changeBook('BTCUSDT', 3);
        market.generate('BTCUSDT', 2);
      }
      return JSON.stringify({ batches: batches.map(({ timeUs: _t, ...b }) => b), book: market.orderBook('BTCUSDT') });
    };
    expect(run(4)).toBe(run(4));
    expect(run(4)).not.toBe(run(5));
    const plain = (books: boolean) =>
      new Market({ symbols: [BTC], seed: 4, ...(books ? { books: {} } : {}) }).generate('BTCUSDT', 40).map((t) => `${t.price}/${t.qty}/${String(t.buyerIsMaker)}`);
    expect(plain(false)).toEqual(new Market({ symbols: [BTC], seed: 4 }).generate('BTCUSDT', 40).map((t) => `${t.price}/${t.qty}/${String(t.buyerIsMaker)}`));
    expect(plain(true)).not.toEqual(plain(false));
    expect(() => new Market({ symbols: [BTC] }).changeBook('BTCUSDT')).toThrow(/order books are off/);
  });

  it('answers the true book at every kept update id: replaying the batches rebuilds it', () => {
    const { market, batches } = bookMarket({ seed: 12 });
    const initial = market.orderBook('BTCUSDT');
    for (let i = 0; i < 60; i++) {
      market.changeBook('BTCUSDT', 1 + (i % 5));
      if (i % 3 === 0) market.generate('BTCUSDT', 2);
    }
    const bids = sideMap(initial.bids);
    const asks = sideMap(initial.asks);
    expect(market.bookAt('BTCUSDT', initial.updateId)).toEqual(initial);
    for (const b of batches) {
      apply(bids, b.changes.filter((c) => c.side === 'bid'));
      apply(asks, b.changes.filter((c) => c.side === 'ask'));
      const truth = market.bookAt('BTCUSDT', b.lastUpdateId);
      expect(truth.updateId).toBe(b.lastUpdateId);
      expect(truth.bids.map((l) => [l.price, l.qty])).toEqual(sorted(bids, true));
      expect(truth.asks.map((l) => [l.price, l.qty])).toEqual(sorted(asks, false));
    }
    expect(market.bookAt('BTCUSDT', market.bookUpdateId('BTCUSDT'))).toEqual(market.orderBook('BTCUSDT'));
    // One batch behind is the book before the last batch.
    expect(market.bookBehind('BTCUSDT', 1)).toEqual(market.bookAt('BTCUSDT', batches.at(-2)!.lastUpdateId));
    expect(() => market.bookAt('BTCUSDT', market.bookUpdateId('BTCUSDT') + 1)).toThrow(/newer/);
  });

  it('keeps a bounded truth history', () => {
    const { market, batches } = bookMarket({ books: { historySize: 20 } });
    for (let i = 0; i < 40; i++) market.changeBook('BTCUSDT', 2);
    const oldest = market.oldestBookUpdateId('BTCUSDT');
    expect(oldest).toBeGreaterThan(1);
    expect(() => market.bookAt('BTCUSDT', oldest - 1)).toThrow(/older than the kept history/);
    expect(market.bookAt('BTCUSDT', oldest).updateId).toBe(oldest);
    expect(batches.some((b) => b.lastUpdateId === oldest)).toBe(true);
  });

  it('numbers batches with jumping ids when asked, and restarts ids lower while keeping the levels', () => {
    const { market, batches } = bookMarket({ seed: 3, books: { ids: { kind: 'jump', maxJump: 10 } } });
    for (let i = 0; i < 40; i++) market.changeBook('BTCUSDT', 3);
    let prev = 1000;
    const jumps: number[] = [];
    for (const b of batches) {
      expect(b.prevUpdateId).toBe(prev);
      expect(b.firstUpdateId).toBe(b.lastUpdateId);
      jumps.push(b.lastUpdateId - prev);
      prev = b.lastUpdateId;
    }
    expect(Math.min(...jumps)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...jumps)).toBeLessThanOrEqual(10);
    expect(new Set(jumps).size).toBeGreaterThan(3);
    const levels = market.orderBook('BTCUSDT');
    market.restartBooks();
    expect(market.orderBook('BTCUSDT').bids).toEqual(levels.bids);
    const after = market.changeBook('BTCUSDT', 1)!;
    expect(after.afterRestart).toBe(true);
    expect(after.prevUpdateId).toBe(prev);
    expect(after.lastUpdateId).toBeLessThan(after.prevUpdateId);
    expect(after.lastUpdateId).toBeLessThanOrEqual(10);
    expect(market.changeBook('BTCUSDT', 1)!.prevUpdateId).toBe(after.lastUpdateId);
  });

  it('changes books automatically while the market runs', async () => {
    const { market, batches } = bookMarket({ books: { intervalMs: 10 } });
    market.start(0);
    expect(market.running).toBe(true);
    await new Promise((r) => setTimeout(r, 120));
    market.stop();
    const made = batches.length;
    expect(made).toBeGreaterThan(2);
    await new Promise((r) => setTimeout(r, 40));
    expect(batches.length).toBe(made);
  });
});
