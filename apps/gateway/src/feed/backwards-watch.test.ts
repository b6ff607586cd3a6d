import type { Trade } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { BackwardsWatch, compareIds } from './backwards-watch.js';

const trade = (id: string, instrument = 'BTC-USDT'): Trade => ({
  v: 1,
  type: 'trade',
  venue: 'binance',
  instrument,
  symbol: 'BTCUSDT',
  id,
  price: '1',
  quantity: '1',
  side: 'buy',
  tradeTime: 1,
  receiveTime: 1,
  source: 'ws',
});

describe('compareIds', () => {
  it('orders integers of any size exactly', () => {
    expect(compareIds('9', '10')).toBe(-1);
    expect(compareIds('9007199254740993', '9007199254740992')).toBe(1);
    expect(compareIds('42', '42')).toBe(0);
  });
});

describe('BackwardsWatch', () => {
  it('fires once, with the first trade of the run, after threshold advancing trades at or below the last published id', () => {
    const w = new BackwardsWatch(3);
    expect(w.observe(trade('1'), '1000')).toBeUndefined();
    expect(w.observe(trade('1'), '1000')).toBeUndefined(); // a replay: not counted
    expect(w.observe(trade('2'), '1000')).toBeUndefined();
    expect(w.suspects()).toEqual([]);
    expect(w.observe(trade('3'), '1000')).toMatchObject({ id: '1' });
    expect(w.suspects()).toEqual(['BTC-USDT']);
    expect(w.observe(trade('4'), '1000')).toBeUndefined();
  });

  it('a trade beyond the last published id ends the run', () => {
    const w = new BackwardsWatch(2);
    w.observe(trade('5'), '10');
    expect(w.observe(trade('11'), '10')).toBeUndefined();
    expect(w.observe(trade('6'), '11')).toBeUndefined();
    expect(w.observe(trade('7'), '11')).toMatchObject({ id: '6' });
  });

  it('keeps instruments apart and forgets on clear', () => {
    const w = new BackwardsWatch(2);
    w.observe(trade('1', 'A'), '9');
    w.observe(trade('1', 'B'), '9');
    expect(w.observe(trade('2', 'A'), '9')).toMatchObject({ id: '1', instrument: 'A' });
    w.clear('A');
    expect(w.suspects()).toEqual([]);
    expect(w.observe(trade('3', 'A'), '9')).toBeUndefined();
  });

  it('ignores an instrument with nothing published yet, and ids that are not integers', () => {
    const w = new BackwardsWatch(1);
    expect(w.observe(trade('1'), undefined)).toBeUndefined();
    expect(w.observe(trade('x1'), '5')).toBeUndefined();
    expect(w.observe(trade('4'), '5')).toMatchObject({ id: '4' });
  });
});
