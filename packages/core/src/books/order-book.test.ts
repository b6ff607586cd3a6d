import { compareDecimals, type BookLevel } from '@tickgate/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderBook } from './order-book.js';

/** A plain reference: a map of price to size, sorted on demand. */
function reference(changes: ReadonlyArray<readonly [string, string]>, descending: boolean): BookLevel[] {
  const m = new Map<string, string>();
  for (const [p, s] of changes) {
    if (s === '0') m.delete(p);
    else m.set(p, s);
  }
  return [...m.entries()].map(([p, s]): BookLevel => [p, s]).sort((a, b) => (descending ? compareDecimals(b[0], a[0]) : compareDecimals(a[0], b[0])));
}

/** Canonical prices of varied lengths: "7", "7.5", "10.05", "0.001", … */
const price = fc
  .tuple(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 999 }))
  .filter(([i, f]) => i > 0 || f > 0)
  .map(([i, f]) => {
    const frac = String(f).padStart(3, '0').replace(/0+$/, '');
    return frac === '' ? String(i) : `${i}.${frac}`;
  });
const size = fc.constantFrom('0', '0', '1', '2.5', '0.001', '17');

describe('OrderBook', () => {
  it('keeps bids high to low and asks low to high by exact decimal order, not string order', () => {
    const book = new OrderBook();
    for (const p of ['9.99', '10', '100', '10.001', '9.5']) {
      book.apply('bid', p, '1');
      book.apply('ask', p, '2');
    }
    expect(book.levels('bid').map(([p]) => p)).toEqual(['100', '10.001', '10', '9.99', '9.5']);
    expect(book.levels('ask').map(([p]) => p)).toEqual(['9.5', '9.99', '10', '10.001', '100']);
    expect(book.best('bid')).toEqual(['100', '1']);
    expect(book.best('ask')).toEqual(['9.5', '2']);
    expect(book.levelCount('bid')).toBe(5);
  });

  it('replaces a size, removes with "0", and ignores removing an absent level', () => {
    const book = new OrderBook();
    book.apply('bid', '5', '1');
    book.apply('bid', '5', '3.5');
    expect(book.sizeAt('bid', '5')).toBe('3.5');
    book.apply('bid', '6', '0');
    expect(book.levels('bid')).toEqual([['5', '3.5']]);
    book.apply('bid', '5', '0');
    expect(book.levelCount('bid')).toBe(0);
    expect(book.best('bid')).toBeUndefined();
    expect(book.sizeAt('bid', '5')).toBeUndefined();
  });

  it('returns at most depth levels, best first', () => {
    const book = new OrderBook();
    for (let i = 1; i <= 10; i++) book.apply('ask', String(i), '1');
    expect(book.levels('ask', 3).map(([p]) => p)).toEqual(['1', '2', '3']);
    expect(book.levels('ask', 0)).toEqual([]);
    expect(book.levelAt('ask', 9)).toEqual(['10', '1']);
    expect(book.levelAt('ask', 10)).toBeUndefined();
  });

  it('ranks a price by the levels strictly better than it, present or not', () => {
    const book = new OrderBook();
    for (const p of ['1', '2', '3']) book.apply('bid', p, '1');
    expect(book.rankOf('bid', '3')).toBe(0);
    expect(book.rankOf('bid', '2')).toBe(1);
    expect(book.rankOf('bid', '2.5')).toBe(1);
    expect(book.rankOf('bid', '0.5')).toBe(3);
    expect(book.rankOf('bid', '4')).toBe(0);
    expect(book.rankOf('ask', '4')).toBe(0);
    expect([book.locate('bid', '3'), book.locate('bid', '2'), book.locate('bid', '2.5'), book.locate('bid', '0.5'), book.locate('ask', '4')]).toEqual([0, 1, -2, -4, -1]);
    expect([book.sizeAtRank('bid', 2), book.sizeAtRank('bid', 3), book.sizeAtRank('bid', -1)]).toEqual(['1', undefined, undefined]);
  });

  it('replace loads unordered levels, skips zero sizes and keeps the last size of a repeated price', () => {
    const book = new OrderBook();
    book.apply('bid', '50', '1');
    book.replace(
      [['2', '1'], ['3', '0'], ['10', '4'], ['2', '7']],
      [['12', '1'], ['11', '2']],
    );
    expect(book.levels('bid')).toEqual([['10', '4'], ['2', '7']]);
    expect(book.levels('ask')).toEqual([['11', '2'], ['12', '1']]);
    book.replace([['3', '1'], ['2', '1']], []);
    expect(book.levels('bid')).toEqual([['3', '1'], ['2', '1']]);
    expect(book.levelCount('ask')).toBe(0);
  });

  it('is crossed when the best bid is at or above the best ask, never with an empty side', () => {
    const book = new OrderBook();
    book.apply('bid', '10', '1');
    expect(book.isCrossed()).toBe(false);
    book.apply('ask', '10.01', '1');
    expect(book.isCrossed()).toBe(false);
    book.apply('ask', '10', '1');
    expect(book.isCrossed()).toBe(true); // locked
    book.apply('ask', '10', '0');
    book.apply('bid', '10.5', '1');
    expect(book.isCrossed()).toBe(true);
    book.clear();
    expect(book.isCrossed()).toBe(false);
  });

  it('matches a sorted map for any sequence of changes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), price, size), { maxLength: 400 }), (changes) => {
        const book = new OrderBook();
        for (const [bid, p, s] of changes) book.apply(bid ? 'bid' : 'ask', p, s);
        expect(book.levels('bid')).toEqual(reference(changes.filter(([b]) => b).map(([, p, s]) => [p, s]), true));
        expect(book.levels('ask')).toEqual(reference(changes.filter(([b]) => !b).map(([, p, s]) => [p, s]), false));
      }),
      { seed: 20_261_204, numRuns: 200 },
    );
  });

  it('matches a sorted map for prices of any length sharing their start (the search compares integer lengths, then text)', () => {
    // "97123.4", "97123.45", "9712.345", "971234", …: the same digits with the dot moved or cut short.
    const wide = fc
      .tuple(fc.stringMatching(/^[1-9][0-9]{0,9}$/), fc.nat({ max: 10 }), fc.stringMatching(/^[0-9]{0,6}[1-9]$/), fc.boolean())
      .map(([digits, dotAt, fraction, whole]) => {
        const k = Math.min(dotAt, digits.length);
        const int = digits.slice(0, digits.length - k) || '0';
        const frac = `${digits.slice(digits.length - k)}${whole ? '' : fraction}`.replace(/0+$/, '');
        return frac === '' ? int : `${int}.${frac}`;
      });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.oneof(wide, price), size), { maxLength: 300 }), (changes) => {
        const book = new OrderBook();
        for (const [bid, p, s] of changes) book.apply(bid ? 'bid' : 'ask', p, s);
        expect(book.levels('bid')).toEqual(reference(changes.filter(([b]) => b).map(([, p, s]) => [p, s]), true));
        expect(book.levels('ask')).toEqual(reference(changes.filter(([b]) => !b).map(([, p, s]) => [p, s]), false));
        for (const [bid, p] of changes) {
          const side = bid ? 'bid' : 'ask';
          const where = book.locate(side, p);
          const size = book.sizeAt(side, p);
          // locate: the rank when present, else -1 - the rank it would take; sizeAtRank reads the level there.
          expect(where >= 0 ? where : -1 - where).toBe(book.rankOf(side, p));
          expect(where >= 0).toBe(size !== undefined);
          if (where >= 0) expect(book.sizeAtRank(side, where)).toBe(size);
        }
      }),
      { seed: 20_261_206, numRuns: 300 },
    );
  });

  it('replace equals applying the levels one by one, whatever their order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(price, size), { maxLength: 200 }), fc.boolean(), (levels, sortFirst) => {
        const given = sortFirst ? reference(levels, true) : levels.map(([p, s]): BookLevel => [p, s]);
        const book = new OrderBook();
        book.replace(given, given);
        const expected = reference(given.filter(([, s]) => s !== '0'), true);
        expect(book.levels('bid')).toEqual(expected);
        expect(book.levels('ask')).toEqual([...expected].reverse());
      }),
      { seed: 20_261_205, numRuns: 200 },
    );
  });

  it('handles a deep book with many updates quickly', () => {
    const book = new OrderBook();
    const levels: BookLevel[] = [];
    for (let i = 0; i < 5000; i++) levels.push([`${10_000 - i}.5`, '1']);
    book.replace(levels, []);
    const started = performance.now();
    for (let i = 0; i < 50_000; i++) {
      const p = `${10_000 - (i % 200)}.${(i % 7) + 1}`;
      book.apply('bid', p, i % 3 === 0 ? '0' : '2');
    }
    const elapsed = performance.now() - started;
    expect(book.levelCount('bid')).toBeGreaterThan(5000);
    // Generous bound (shared CI machine): 50,000 updates on a 5,000-level side in well under 2 s.
    expect(elapsed).toBeLessThan(2000);
  });
});
