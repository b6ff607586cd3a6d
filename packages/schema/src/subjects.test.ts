import { describe, expect, it } from 'vitest';
import { parseTradeSubject, statusFilters, statusSubject, tradeFilter, tradeMsgId, tradeSubject } from './subjects.js';

describe('subjects', () => {
  it('names trade and status subjects per the wire contract', () => {
    expect(tradeSubject('binance', 'BTC-USDT')).toBe('md.trade.binance.BTC-USDT');
    expect(statusSubject('binance', 'BTC-USDT')).toBe('md.status.binance.BTC-USDT');
    expect(statusSubject('binance')).toBe('md.status.binance');
    expect(tradeMsgId('binance', 'BTC-USDT', '42')).toBe('binance:BTC-USDT:42');
  });

  it('builds wildcard filters', () => {
    expect(tradeFilter()).toBe('md.trade.>');
    expect(tradeFilter('binance')).toBe('md.trade.binance.*');
    expect(tradeFilter(undefined, 'BTC-USDT')).toBe('md.trade.*.BTC-USDT');
    expect(tradeFilter('okx', 'ETH-USDT')).toBe('md.trade.okx.ETH-USDT');
    expect(statusFilters()).toEqual(['md.status.>']);
    expect(statusFilters('kraken')).toEqual(['md.status.kraken', 'md.status.kraken.>']);
  });

  it.each([
    ['Binance', 'BTC-USDT'],
    ['bin.ance', 'BTC-USDT'],
    ['binance', 'BTCUSDT'],
    ['binance', 'BTC-USDT.>'],
    ['binance', 'btc-usdt'],
    ['binance', 'BTC-US DT'],
  ])('refuses tokens that would break the subject: %s %s', (venue, instrument) => {
    expect(() => tradeSubject(venue, instrument)).toThrowError(/for a NATS subject/);
  });

  it('parses a trade subject back', () => {
    expect(parseTradeSubject('md.trade.binance.BTC-USDT')).toEqual({ venue: 'binance', instrument: 'BTC-USDT' });
    expect(parseTradeSubject('md.status.binance.BTC-USDT')).toBeUndefined();
    expect(parseTradeSubject('md.trade.binance')).toBeUndefined();
  });
});
