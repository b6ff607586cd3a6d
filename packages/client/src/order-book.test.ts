import { decodeBook, encodeBook, type Book } from '@tickgate/schema';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { BookFeed, centsToDecimal, random } from '../test/book-feed.js';
import { BookSide, LocalBook, type BookResync, type BookState, type LocalBookStats } from './order-book.js';

const stats = (): LocalBookStats => ({ resyncs: 0, crossed: 0, skipped: 0 });
/** What a consumer would decode: every message goes through the wire format. */
const wire = (book: Book): Book => decodeBook(encodeBook(book));
const levels = (state: BookState | undefined) => state && { bids: state.bids.map((l) => ({ ...l })), asks: state.asks.map((l) => ({ ...l })) };

describe('BookSide', () => {
  it('keeps levels in exact decimal order under random changes, as a sorted reference does', () => {
    const rnd = random(7);
    for (const descending of [true, false]) {
      const side = new BookSide(descending);
      const reference = new Map<string, string>();
      for (let n = 0; n < 3000; n++) {
        // 0.01 .. 1200: prices of every integer length, so text order would be wrong
        const price = centsToDecimal(1 + Math.floor(rnd() * 120_000) * (rnd() < 0.5 ? 1 : 10));
        const size = rnd() < 0.4 ? '0' : centsToDecimal(1 + Math.floor(rnd() * 999));
        side.set(price, size);
        if (size === '0') reference.delete(price);
        else reference.set(price, size);
      }
      const expected = [...reference]
        .sort(([a], [b]) => (descending ? new Decimal(b).cmp(a) : new Decimal(a).cmp(b)))
        .map(([price, size]) => ({ price, size }));
      expect(expected.length).toBeGreaterThan(100);
      expect(side.top()).toEqual(expected);
      expect(side.top(5)).toEqual(expected.slice(0, 5));
      expect(side.best()).toEqual(expected[0]);
    }
  });

  it('removing a price that is not there changes nothing', () => {
    const side = new BookSide(false);
    side.set('10', '1');
    side.set('9.5', '0');
    expect(side.top()).toEqual([{ price: '10', size: '1' }]);
  });
});

describe('LocalBook', () => {
  it('yields the reference book after every message: snapshot, deltas, a periodic snapshot', () => {
    const feed = new BookFeed('binance', 'BTC-USDT', 3);
    const sync = new LocalBook({ stats: stats() });
    const messages: Book[] = [feed.snapshot()];
    const expected = [feed.expected()];
    for (let n = 0; n < 400; n++) {
      messages.push(n === 200 ? feed.snapshot() : feed.delta());
      expected.push(feed.expected());
    }
    const states = messages.map((m) => sync.apply(wire(m)));
    expect(states.map(levels)).toEqual(expected);
    expect(states.map((s) => s?.seq)).toEqual(messages.map((m) => m.seq));
    expect(states.at(-1)?.updateId).toBe(messages.at(-1)?.updateId);
    expect(sync.synced).toBe(true);
  });

  it('skips deltas before the first snapshot', () => {
    const feed = new BookFeed('binance', 'BTC-USDT');
    const s = stats();
    const sync = new LocalBook({ stats: s });
    expect(sync.apply(wire(feed.delta()))).toBeUndefined();
    expect(sync.apply(wire(feed.delta()))).toBeUndefined();
    expect(sync.synced).toBe(false);
    const snap = feed.snapshot();
    expect(levels(sync.apply(wire(snap)))).toEqual(feed.expected());
    expect(s).toEqual({ resyncs: 0, crossed: 0, skipped: 2 });
  });

  it('after a seq jump yields nothing until the next snapshot, and reports it', () => {
    const feed = new BookFeed('binance', 'BTC-USDT', 5);
    const s = stats();
    const resyncs: BookResync[] = [];
    const sync = new LocalBook({ stats: s, onResync: (r) => resyncs.push(r) });
    sync.apply(wire(feed.snapshot()));
    expect(sync.apply(wire(feed.delta()))?.seq).toBe(2);
    feed.lostDelta(); // seq 3
    expect(sync.apply(wire(feed.delta()))).toBeUndefined(); // seq 4
    expect(sync.synced).toBe(false);
    expect(sync.apply(wire(feed.delta()))).toBeUndefined(); // seq 5: in sequence, but the book is broken
    const state = sync.apply(wire(feed.snapshot()));
    expect(state?.seq).toBe(6);
    expect(levels(state)).toEqual(feed.expected());
    expect(levels(sync.apply(wire(feed.delta())))).toEqual(feed.expected());
    expect(s).toEqual({ resyncs: 1, crossed: 0, skipped: 2 });
    expect(resyncs).toEqual([{ reason: 'gap', seq: 4, expectedSeq: 3 }]);
  });

  it('a snapshot after a missed message is applied at once, and the gap is counted', () => {
    const feed = new BookFeed('binance', 'BTC-USDT');
    const s = stats();
    const sync = new LocalBook({ stats: s });
    sync.apply(wire(feed.snapshot()));
    feed.lostDelta();
    expect(levels(sync.apply(wire(feed.snapshot())))).toEqual(feed.expected());
    expect(s.resyncs).toBe(1);
  });

  it('a delta that crosses the book breaks it until the next snapshot', () => {
    const feed = new BookFeed('binance', 'BTC-USDT', 9);
    const s = stats();
    const resyncs: BookResync[] = [];
    const sync = new LocalBook({ stats: s, onResync: (r) => resyncs.push(r) });
    sync.apply(wire(feed.snapshot()));
    const crossing = feed.crossingDelta(); // seq 2
    expect(sync.apply(wire(crossing))).toBeUndefined();
    expect(sync.apply(wire(feed.delta()))).toBeUndefined();
    expect(levels(sync.apply(wire(feed.snapshot())))).toEqual(feed.expected());
    expect(s).toEqual({ resyncs: 1, crossed: 1, skipped: 1 });
    expect(resyncs).toEqual([{ reason: 'crossed', seq: 2, expectedSeq: 2 }]);
  });

  it('limits each state to depth levels per side, and shares nothing mutable between states', () => {
    const feed = new BookFeed('binance', 'BTC-USDT');
    const sync = new LocalBook({ depth: 3, stats: stats() });
    const first = sync.apply(wire(feed.snapshot()))!;
    const copy = levels(first);
    const e = feed.expected();
    expect(levels(first)).toEqual({ bids: e.bids.slice(0, 3), asks: e.asks.slice(0, 3) });
    for (let n = 0; n < 50; n++) sync.apply(wire(feed.delta()));
    expect(levels(first)).toEqual(copy);
  });
});
