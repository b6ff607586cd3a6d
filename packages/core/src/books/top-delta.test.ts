import { compareDecimals, type BookLevel } from '@tickgate/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderBook, type BookSide } from './order-book.js';
import { applyTopDelta } from './top-delta.js';

function bookOf(side: BookSide, prices: readonly number[]): OrderBook {
  const book = new OrderBook();
  for (const p of prices) book.apply(side, String(p), '1');
  return book;
}

/** What a consumer does: apply the delta to its view, drop zeros, sort best first, truncate. */
function consume(view: readonly BookLevel[], delta: readonly BookLevel[], side: BookSide, depth: number): BookLevel[] {
  const m = new Map(view.map(([p, s]) => [p, s] as const));
  for (const [p, s] of delta) {
    if (s === '0') m.delete(p);
    else m.set(p, s);
  }
  const sorted = [...m.entries()].map(([p, s]): BookLevel => [p, s]).sort((a, b) => (side === 'bid' ? compareDecimals(b[0], a[0]) : compareDecimals(a[0], b[0])));
  return sorted.slice(0, depth);
}

describe('applyTopDelta', () => {
  it('publishes the level pulled into the view when one above is removed', () => {
    const book = bookOf('bid', [10, 9, 8, 7]);
    expect(applyTopDelta(book, 'bid', [['9', '0']], 3)).toEqual([['9', '0'], ['7', '1']]);
    expect(book.levels('bid').map(([p]) => p)).toEqual(['10', '8', '7']);
  });

  it('publishes the level pushed out by an insertion above as "0"', () => {
    const book = bookOf('ask', [1, 2, 3, 4]);
    expect(applyTopDelta(book, 'ask', [['1.5', '2']], 3)).toEqual([['1.5', '2'], ['3', '0']]);
  });

  it('publishes nothing for changes below the view, nor for an unchanged size', () => {
    const book = bookOf('bid', [10, 9, 8, 7]);
    expect(applyTopDelta(book, 'bid', [['7', '5'], ['6', '1'], ['3', '0']], 3)).toEqual([]);
    expect(applyTopDelta(book, 'bid', [['10', '1']], 3)).toEqual([]);
    expect(book.sizeAt('bid', '7')).toBe('5'); // the book itself keeps everything
    expect(book.levelCount('bid')).toBe(5);
  });

  it('takes the last size of a price named twice', () => {
    const book = bookOf('bid', [10]);
    expect(applyTopDelta(book, 'bid', [['11', '1'], ['11', '0']], 5)).toEqual([]);
    expect(applyTopDelta(book, 'bid', [['10', '0'], ['10', '4']], 5)).toEqual([['10', '4']]);
  });

  it('is exactly the change of the top-N view for any book and any changes', () => {
    const change = fc.tuple(fc.integer({ min: 1, max: 60 }), fc.constantFrom('0', '0', '1', '2', '3'));
    fc.assert(
      fc.property(
        fc.constantFrom<BookSide>('bid', 'ask'),
        fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 40 }),
        fc.array(change, { maxLength: 12 }),
        fc.integer({ min: 1, max: 25 }),
        (side, prices, changes, depth) => {
          const book = bookOf(side, prices);
          const before = book.levels(side, depth);
          const named: BookLevel[] = changes.map(([p, s]) => [String(p), s]);
          const delta = applyTopDelta(book, side, named, depth);
          expect(consume(before, delta, side, depth)).toEqual(book.levels(side, depth));
          // levels pushed out are removed explicitly: no truncation needed either
          expect(consume(before, delta, side, Number.POSITIVE_INFINITY)).toEqual(book.levels(side, depth));
          // ordered best first, distinct, and only levels whose view state changed
          const ordered = delta.every((l, i) => i === 0 || (side === 'bid' ? compareDecimals(delta[i - 1]![0], l[0]) > 0 : compareDecimals(delta[i - 1]![0], l[0]) < 0));
          expect(ordered).toBe(true);
          const beforeMap = new Map(before);
          for (const [p, s] of delta) expect(beforeMap.get(p) ?? '0').not.toBe(s);
        },
      ),
      { seed: 20_261_206, numRuns: 2000 },
    );
  });
});
