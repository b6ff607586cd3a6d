import { parseErrorOf } from '@tickgate/adapter-conformance';
import { TradeSchema } from '@tickgate/schema';
import { describe, expect, it } from 'vitest';
import { BTC, fixtureText, RECEIVE_US } from '../test/helpers.js';
import { coinbaseRest, parseProducts, parseRestTrades } from './rest.js';

describe('coinbaseRest', () => {
  it('states the rate-limit facts: about 8 requests/s, each weighing 1', () => {
    expect(coinbaseRest.limits).toEqual({ weightPerMinute: 480, maxTradesPerPage: 1000 });
    for (const req of [coinbaseRest.instruments(['BTC-USD']), coinbaseRest.recentTrades(BTC, 10), coinbaseRest.tradesFrom!(BTC, '1', 10), coinbaseRest.lastPrice(BTC)]) {
      expect(req.weight).toBe(1);
      expect(req.headers).toEqual({ 'User-Agent': 'tickgate' });
    }
  });

  describe('instruments', () => {
    it('asks /products/{id} for one product and /products for several', () => {
      expect(coinbaseRest.instruments(['BTC-USD']).path).toBe('/products/BTC-USD');
      expect(coinbaseRest.instruments(['BTC-USD', 'ETH-USD']).path).toBe('/products');
      expect(() => coinbaseRest.instruments(['btc usd'])).toThrowError(RangeError);
      expect(() => coinbaseRest.instruments(['BTC-USD/../x'])).toThrowError(RangeError);
    });

    it('parses products into instruments with canonical increments, in the order asked, skipping others', () => {
      const body = fixtureText('rest-products-generated.json');
      expect(coinbaseRest.instruments(['ETH-USD', 'BTC-USD', 'NOPE-USD']).parse(body, RECEIVE_US)).toEqual([
        { instrument: 'ETH-USD', symbol: 'ETH-USD', base: 'ETH', quote: 'USD', tickSize: '0.01', stepSize: '0.00000001', status: 'online' },
        { instrument: 'BTC-USD', symbol: 'BTC-USD', base: 'BTC', quote: 'USD', tickSize: '0.01', stepSize: '0.00000001', status: 'online' },
      ]);
      const one = JSON.stringify(JSON.parse(body)[0]);
      expect(coinbaseRest.instruments(['BTC-USD']).parse(one, RECEIVE_US)).toHaveLength(1);
    });

    it('rejects unreadable products that were asked for', () => {
      expect(parseErrorOf(() => parseProducts(fixtureText('rest-products-generated.json'), ['WEIRD'])).message).toMatch(/^products\[2\]\.base_currency/);
      expect(parseErrorOf(() => parseProducts('{"id":"BTC-USD","base_currency":"btc","quote_currency":"USD"}', ['BTC-USD'])).message).toMatch(/BASE-QUOTE/);
      expect(parseErrorOf(() => parseProducts('{"message":"NotFound"}', ['BTC-USD'])).reason).toBe('unknown-message');
      expect(parseErrorOf(() => parseProducts('<html>', ['BTC-USD'])).reason).toBe('malformed-json');
    });
  });

  describe('trades', () => {
    it('reads the documented sample: maker buy → taker sell, exact µs, source rest', () => {
      const trades = coinbaseRest.recentTrades(BTC, 100).parse(fixtureText('rest-trades-doc.json'), RECEIVE_US);
      expect(trades).toEqual([
        { v: 1, type: 'trade', venue: 'coinbase', instrument: 'BTC-USD', symbol: 'BTC-USD', id: '74', price: '10', quantity: '0.01', side: 'sell', tradeTime: 1_415_398_768_578_544, receiveTime: RECEIVE_US, source: 'rest' },
      ]);
      expect(TradeSchema.parse(trades[0])).toEqual(trades[0]);
    });

    it('returns recent trades ascending', () => {
      const req = coinbaseRest.recentTrades(BTC, 4);
      expect(req.path).toBe('/products/BTC-USD/trades?limit=4');
      const trades = req.parse(fixtureText('rest-trades-generated.json'), RECEIVE_US);
      expect(trades.map((t) => t.id)).toEqual(['1002', '1003', '1004', '1005']);
      expect(trades.map((t) => t.side)).toEqual(['buy', 'sell', 'sell', 'buy']);
      expect(trades.map((t) => t.tradeTime)).toEqual([1_767_225_600_999_999, 1_767_225_601_000_001, 1_767_225_601_500_000, 1_767_225_602_000_003]);
      for (const t of trades) TradeSchema.parse(t);
    });

    it('builds tradesFrom from the older-pages cursor: after = fromId + limit, keeping fromId..fromId+limit-1', () => {
      const req = coinbaseRest.tradesFrom!(BTC, '1003', 2);
      expect(req.path).toBe('/products/BTC-USD/trades?limit=2&after=1005');
      // The venue answers ids below 1005; should it include the cursor or more, the range filter drops them.
      expect(req.parse(fixtureText('rest-trades-generated.json'), RECEIVE_US).map((t) => t.id)).toEqual(['1003', '1004']);
      // Fewer newer trades than asked for: older ids than fromId are dropped.
      expect(coinbaseRest.tradesFrom!(BTC, '1004', 1000).parse(fixtureText('rest-trades-generated.json'), RECEIVE_US).map((t) => t.id)).toEqual(['1004', '1005']);
      expect(coinbaseRest.tradesFrom!(BTC, '2000', 10).parse('[]', RECEIVE_US)).toEqual([]);
      expect(coinbaseRest.tradesFrom!(BTC, '9007199254740990', 1000).path).toBe('/products/BTC-USD/trades?limit=1000&after=9007199254741990');
    });

    it('refuses bad arguments', () => {
      expect(() => coinbaseRest.tradesFrom!(BTC, '-1', 10)).toThrowError(RangeError);
      expect(() => coinbaseRest.tradesFrom!(BTC, '1.5', 10)).toThrowError(RangeError);
      expect(() => coinbaseRest.tradesFrom!(BTC, '01', 10)).toThrowError(RangeError);
      expect(() => coinbaseRest.tradesFrom!(BTC, '1', 1001)).toThrowError(RangeError);
      expect(() => coinbaseRest.recentTrades(BTC, 0)).toThrowError(RangeError);
    });

    it('rejects unreadable trades, naming the field', () => {
      const one = (o: Record<string, unknown>) => JSON.stringify([{ time: '2026-01-01T00:00:00.000001Z', trade_id: 1, price: '1', size: '1', side: 'buy', ...o }]);
      expect(parseErrorOf(() => parseRestTrades(one({ price: '1e3' }), BTC, RECEIVE_US)).message).toMatch(/^trades\[0\]\.price/);
      expect(parseErrorOf(() => parseRestTrades(one({ size: 1 }), BTC, RECEIVE_US)).message).toMatch(/^trades\[0\]\.size/);
      expect(parseErrorOf(() => parseRestTrades(one({ side: 'B' }), BTC, RECEIVE_US)).message).toMatch(/^trades\[0\]\.side/);
      expect(parseErrorOf(() => parseRestTrades(one({ time: '2026-01-01' }), BTC, RECEIVE_US)).message).toMatch(/^trades\[0\]\.time/);
      expect(parseErrorOf(() => parseRestTrades(one({ trade_id: '1' }), BTC, RECEIVE_US)).message).toMatch(/^trades\[0\]\.trade_id/);
      expect(parseErrorOf(() => parseRestTrades('[1]', BTC, RECEIVE_US)).reason).toBe('invalid-field');
      expect(parseErrorOf(() => parseRestTrades('{}', BTC, RECEIVE_US)).reason).toBe('invalid-field');
      expect(parseErrorOf(() => parseRestTrades(`[${one({}).slice(1, -1)},${one({}).slice(1, -1)}]`, BTC, RECEIVE_US)).message).toMatch(/duplicate/);
      expect(parseErrorOf(() => parseRestTrades('{"message":"Rate limit exceeded"}', BTC, RECEIVE_US)).reason).toBe('unknown-message');
    });
  });

  describe('lastPrice', () => {
    it('reads the ticker price', () => {
      const req = coinbaseRest.lastPrice(BTC);
      expect(req.path).toBe('/products/BTC-USD/ticker');
      expect(req.parse(fixtureText('rest-ticker-generated.json'), RECEIVE_US)).toBe('97123.45');
      expect(parseErrorOf(() => req.parse('{"bid":"1"}', RECEIVE_US)).message).toMatch(/^ticker\.price/);
      expect(parseErrorOf(() => req.parse('[]', RECEIVE_US)).reason).toBe('invalid-field');
    });
  });
});
