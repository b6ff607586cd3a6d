import { describe, expect, it } from 'vitest';
import { ClientError } from './errors.js';
import { RepeatFilter } from './repeats.js';

/** The ids of `ids` that `filter` lets through, in order. */
function pass(filter: RepeatFilter, venue: string, instrument: string, ids: string[]): string[] {
  return ids.filter((id) => !filter.isRepeat(venue, instrument, id));
}

describe('RepeatFilter', () => {
  it('drops ids at or below the last accepted one on a venue with consecutive ids', () => {
    const filter = new RepeatFilter();
    expect(pass(filter, 'binance', 'BTC-USDT', ['1', '2', '3', '2', '3', '4', '1', '6', '5', '7'])).toEqual(['1', '2', '3', '4', '6', '7']);
  });

  it('follows ids that start over when they are later in time (a venue reset), and still drops repeats of them', () => {
    const filter = new RepeatFilter();
    const seen = (id: string, time: number) => !filter.isRepeat('binance', 'BTC-USDT', id, time);
    expect([seen('100', 1_000), seen('101', 1_001), seen('100', 1_000), seen('99', 1_001)]).toEqual([true, true, false, false]);
    // the venue started over at 1, later in time: followed
    expect([seen('1', 2_000), seen('2', 2_001), seen('1', 2_000), seen('2', 2_001)]).toEqual([true, true, false, false]);
    // without times, ids at or below the last are repeats, as before
    expect(filter.isRepeat('binance', 'BTC-USDT', '2')).toBe(true);
  });

  it('compares ids above 2^53 exactly, of any length, ignoring leading zeros', () => {
    const filter = new RepeatFilter();
    // 2^53 = 9007199254740992: as numbers, ...993 and ...992 are equal.
    const ids = ['9007199254740992', '9007199254740993', '9007199254740993', '9007199254740992', '9007199254740994', '10000000000000000000000', '9999999999999999999999', '010000000000000000000000'];
    expect(pass(filter, 'okx', 'BTC-USDT', ids)).toEqual(['9007199254740992', '9007199254740993', '9007199254740994', '10000000000000000000000']);
  });

  it('keeps each venue and instrument apart', () => {
    const filter = new RepeatFilter();
    expect(pass(filter, 'kraken', 'BTC-USD', ['5'])).toEqual(['5']);
    expect(pass(filter, 'kraken', 'ETH-USD', ['3'])).toEqual(['3']);
    expect(pass(filter, 'coinbase', 'BTC-USD', ['4'])).toEqual(['4']);
    expect(pass(filter, 'kraken', 'BTC-USD', ['4', '5', '6'])).toEqual(['6']);
  });

  it('remembers the last N distinct ids on a venue whose ids carry no order', () => {
    const filter = new RepeatFilter(3);
    expect(pass(filter, 'bybit', 'BTC-USDT', ['c', 'a', 'b', 'a', 'c'])).toEqual(['c', 'a', 'b']);
    // 'd' pushes out 'c', the oldest; 'a' and 'b' are still remembered.
    expect(pass(filter, 'bybit', 'BTC-USDT', ['d', 'a', 'b', 'c'])).toEqual(['d', 'c']);
    // Ids that look like lower integers are not repeats there: they carry no order.
    expect(pass(filter, 'bybit', 'ETH-USDT', ['9', '1', '9'])).toEqual(['9', '1']);
  });

  it('treats an unknown venue as unordered, and a non-integer id on an ordered venue by exact match', () => {
    const filter = new RepeatFilter();
    expect(pass(filter, 'newvenue', 'BTC-USDT', ['5', '3', '5'])).toEqual(['5', '3']);
    expect(pass(filter, 'binance', 'BTC-USDT', ['x1', 'x1', '2'])).toEqual(['x1', '2']);
  });

  it('rejects a window that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => new RepeatFilter(bad)).toThrow(ClientError);
    }
  });
});
